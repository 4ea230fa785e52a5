#include "datasource/DataSource.h"
