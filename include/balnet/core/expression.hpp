// Arithmetic expressions in configuration values: numbers, + - * / ^ (or **), parentheses,
// functions (sqrt exp log log10 abs floor ceil round sin cos tanh min max pow) and named
// variables.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace balnet {

// Returns the value of a variable, or nullopt if the name is unknown.
using variable_lookup = std::function<std::optional<double>(std::string_view)>;

// Evaluates `text`. Throws config_error with a message that says what is wrong and where
// in the text; the caller adds the file and key.
double evaluate_expression(std::string_view text, const variable_lookup& variables);

// True if `text` is a plain identifier (letters, digits, '_', not starting with a digit).
bool is_identifier(std::string_view text);

}  // namespace balnet
