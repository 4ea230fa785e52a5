#include "models/datasource/DataSource.h"
