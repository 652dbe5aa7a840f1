// topocheck: proves or refutes contract security obligations against an estate.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "checker/cli/commands.h"

int main(int argc, char** argv) {
  try {
    return topocheck::cli::run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::bad_alloc&) {
    std::cerr << "topocheck: out of memory\n";
  } catch (const std::exception& e) {
    std::cerr << "topocheck: internal error: " << e.what() << '\n';
  }
  return topocheck::cli::kExitError;
}
