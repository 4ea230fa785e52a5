// ops-parse-dump FILE [--json]: the parse verb without the console, for compare_with_python.py.
#include "app/cli/ParseCommand.h"

#include <iostream>

int main(int argc, char** argv)
{
    return ops::runParseCommand(argc - 1, argv + 1, std::cout, std::cerr);
}
