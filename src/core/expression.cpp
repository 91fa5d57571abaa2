#include "balnet/core/expression.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "balnet/core/error.hpp"

namespace balnet {

namespace {

class parser {
 public:
  parser(std::string_view text, const variable_lookup& vars) : text_(text), vars_(vars) {}

  double parse_all() {
    const double v = expr();
    skip_space();
    if (pos_ != text_.size()) fail("unexpected '" + std::string(1, text_[pos_]) + "'");
    return v;
  }

 private:
  std::string_view text_;
  const variable_lookup& vars_;
  std::size_t pos_ = 0;

  [[noreturn]] void fail(const std::string& what) const {
    throw config_error("cannot evaluate '" + std::string(text_) + "': " + what + " at character " +
                       std::to_string(pos_ + 1));
  }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  bool accept(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  double expr() {
    double v = term();
    for (;;) {
      if (accept('+')) {
        v += term();
      } else if (accept('-')) {
        v -= term();
      } else {
        return v;
      }
    }
  }

  double term() {
    double v = unary();
    for (;;) {
      skip_space();
      if (pos_ + 1 < text_.size() && text_[pos_] == '*' && text_[pos_ + 1] == '*') return v;
      if (accept('*')) {
        v *= unary();
      } else if (accept('/')) {
        v /= unary();
      } else {
        return v;
      }
    }
  }

  double unary() {
    if (accept('-')) return -unary();
    if (accept('+')) return unary();
    return power();
  }

  double power() {
    const double base = primary();
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '^') {
      ++pos_;
      return std::pow(base, unary());
    }
    if (pos_ + 1 < text_.size() && text_[pos_] == '*' && text_[pos_ + 1] == '*') {
      pos_ += 2;
      return std::pow(base, unary());
    }
    return base;
  }

  double primary() {
    skip_space();
    if (pos_ >= text_.size()) fail("expression ends early");
    const char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      const double v = expr();
      if (!accept(')')) fail("missing ')'");
      return v;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return number();
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') return name();
    fail("unexpected '" + std::string(1, c) + "'");
  }

  double number() {
    const std::string rest(text_.substr(pos_));
    char* end = nullptr;
    const double v = std::strtod(rest.c_str(), &end);
    if (end == rest.c_str()) fail("bad number");
    pos_ += static_cast<std::size_t>(end - rest.c_str());
    return v;
  }

  double name() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_' ||
            text_[pos_] == '.')) {
      ++pos_;
    }
    const std::string id(text_.substr(start, pos_ - start));
    if (accept('(')) {
      std::vector<double> args;
      if (!accept(')')) {
        do {
          args.push_back(expr());
        } while (accept(','));
        if (!accept(')')) fail("missing ')' after the arguments of " + id);
      }
      return call(id, args);
    }
    if (id == "pi") return 3.14159265358979323846;
    if (id == "inf") return HUGE_VAL;
    if (auto v = vars_ ? vars_(id) : std::nullopt) return *v;
    pos_ = start;
    fail("unknown name '" + id + "' (define it in [params])");
  }

  double call(const std::string& f, const std::vector<double>& a) {
    auto need = [&](std::size_t n) {
      if (a.size() != n) {
        fail(f + "() takes " + std::to_string(n) + " argument" + (n == 1 ? "" : "s") + ", got " +
             std::to_string(a.size()));
      }
    };
    if (f == "sqrt") { need(1); return std::sqrt(a[0]); }
    if (f == "exp") { need(1); return std::exp(a[0]); }
    if (f == "log") { need(1); return std::log(a[0]); }
    if (f == "log10") { need(1); return std::log10(a[0]); }
    if (f == "abs") { need(1); return std::fabs(a[0]); }
    if (f == "floor") { need(1); return std::floor(a[0]); }
    if (f == "ceil") { need(1); return std::ceil(a[0]); }
    if (f == "round") { need(1); return std::round(a[0]); }
    if (f == "sin") { need(1); return std::sin(a[0]); }
    if (f == "cos") { need(1); return std::cos(a[0]); }
    if (f == "tanh") { need(1); return std::tanh(a[0]); }
    if (f == "pow") { need(2); return std::pow(a[0], a[1]); }
    if (f == "min") { need(2); return std::fmin(a[0], a[1]); }
    if (f == "max") { need(2); return std::fmax(a[0], a[1]); }
    fail("unknown function '" + f +
         "()' (known: sqrt exp log log10 abs floor ceil round sin cos tanh pow min max)");
  }
};

}  // namespace

double evaluate_expression(std::string_view text, const variable_lookup& variables) {
  return parser(text, variables).parse_all();
}

bool is_identifier(std::string_view text) {
  if (text.empty() || std::isdigit(static_cast<unsigned char>(text[0]))) return false;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

}  // namespace balnet
