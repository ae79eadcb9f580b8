#include "config/uci.h"

#include <optional>

namespace owsip::config {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool valid_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_name_char(c)) return false;
  return true;
}

bool valid_package(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_name_char(c) && c != '-') return false;
  return true;
}

bool valid_type(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!is_name_char(static_cast<char>(c)) && (c < 33 || c > 126)) return false;
  return true;
}

// Reads one file statement by statement. A statement ends at ';', at a comment or at the end of
// a line that is not continued.
class Parser {
 public:
  Parser(std::string_view text, const std::string& file, Diagnostics& diags)
      : text_(text), file_(file), diags_(diags) {}

  UciPackage run();

 private:
  // Why an argument read stopped.
  enum class Stop { kSpace, kStatementEnd };
  struct Arg {
    std::string text;
    bool present = false;
  };

  bool at_end() const { return pos_ >= text_.size(); }
  char cur() const { return at_end() ? '\0' : text_[pos_]; }
  char peek(size_t n = 1) const { return pos_ + n < text_.size() ? text_[pos_ + n] : '\0'; }
  bool at_eol() const { return at_end() || cur() == '\n'; }
  void advance() {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  // A backslash (at pos_) directly before the end of the line (\n or \r\n or end of file).
  bool backslash_continues() const {
    return peek() == '\n' || peek() == '\0' || (peek() == '\r' && peek(2) == '\n') ||
           pos_ + 1 >= text_.size();
  }
  void skip_continuation() {  // REQUIRES: cur() == '\\' && backslash_continues()
    advance();
    if (cur() == '\r') advance();
    if (cur() == '\n') advance();
  }
  void skip_blanks() {
    while (!at_end() && (cur() == ' ' || cur() == '\t' || cur() == '\r' || cur() == '\v' ||
                         cur() == '\f'))
      advance();
  }
  void skip_line() {
    while (!at_eol()) advance();
  }

  std::optional<Arg> next_arg();  // nullopt after a reported error
  bool read_single_quoted(std::string& out);
  bool read_double_quoted(std::string& out);
  bool parse_statement();
  bool expect_end(std::string_view keyword);

  void error(int line, std::string message) {
    diags_.push_back({Diagnostic::Severity::kError, file_, line, std::move(message)});
  }

  void cmd_package();
  void cmd_config();
  void cmd_option(bool list);

  std::string_view text_;
  const std::string& file_;
  Diagnostics& diags_;
  size_t pos_ = 0;
  int line_ = 1;
  int stmt_line_ = 1;
  bool stmt_ended_ = false;  // a ';', comment or end of line ended the current statement
  UciPackage pkg_;
  UciSection* section_ = nullptr;
};

bool Parser::read_single_quoted(std::string& out) {
  int start = line_;
  advance();  // opening quote
  while (!at_end() && cur() != '\'') {
    out += cur();
    advance();
  }
  if (at_end()) {
    error(start, "unterminated ' quote");
    return false;
  }
  advance();
  return true;
}

bool Parser::read_double_quoted(std::string& out) {
  int start = line_;
  advance();
  while (!at_end() && cur() != '"') {
    if (cur() == '\\') {
      if (backslash_continues()) {
        skip_continuation();
        continue;
      }
      advance();  // the escaped character is taken literally
    }
    out += cur();
    advance();
  }
  if (at_end()) {
    error(start, "unterminated \" quote");
    return false;
  }
  advance();
  return true;
}

std::optional<Parser::Arg> Parser::next_arg() {
  Arg arg;
  if (stmt_ended_) return arg;
  skip_blanks();
  if (at_eol() || cur() == '#') {
    stmt_ended_ = true;
    return arg;
  }
  if (cur() == ';') {
    advance();
    stmt_ended_ = true;
    return arg;
  }
  while (!at_eol()) {
    char c = cur();
    if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f') break;
    if (c == '#') {  // comment: ends this word and the statement
      stmt_ended_ = true;
      break;
    }
    if (c == ';') {
      advance();
      stmt_ended_ = true;
      break;
    }
    arg.present = true;
    if (c == '\'') {
      if (!read_single_quoted(arg.text)) return std::nullopt;
    } else if (c == '"') {
      if (!read_double_quoted(arg.text)) return std::nullopt;
    } else if (c == '\\') {
      if (backslash_continues()) {
        skip_continuation();
        continue;
      }
      advance();
      arg.text += cur();
      advance();
    } else {
      arg.text += c;
      advance();
    }
  }
  if (at_eol()) stmt_ended_ = true;
  return arg;
}

bool Parser::expect_end(std::string_view keyword) {
  auto extra = next_arg();
  if (!extra) return false;
  if (extra->present) {
    error(stmt_line_, "too many arguments to '" + std::string(keyword) + "'");
    return false;
  }
  return true;
}

void Parser::cmd_package() {
  auto name = next_arg();
  if (!name) return;
  if (!name->present) return error(stmt_line_, "package without name");
  if (!valid_package(name->text))
    return error(stmt_line_, "invalid package name '" + name->text + "'");
  if (!expect_end("package")) return;
  pkg_.name = name->text;
}

void Parser::cmd_config() {
  auto type = next_arg();
  if (!type) return;
  if (!type->present || type->text.empty()) return error(stmt_line_, "config without type");
  if (!valid_type(type->text))
    return error(stmt_line_, "invalid character in section type '" + type->text + "'");
  auto name = next_arg();
  if (!name) return;
  if (name->present && !name->text.empty() && !valid_name(name->text))
    return error(stmt_line_, "invalid section name '" + name->text +
                                 "' (letters, digits and _ only)");
  if (!expect_end("config")) return;

  if (name->present && !name->text.empty()) {
    for (auto& s : pkg_.sections) {
      if (!s.anonymous && s.name == name->text) {
        if (s.type != type->text) {
          section_ = nullptr;
          return error(stmt_line_, "section '" + name->text + "' of type '" + type->text +
                                       "' overwrites a section of type '" + s.type + "' (line " +
                                       std::to_string(s.line) + ")");
        }
        section_ = &s;  // same name and type: later options merge into it
        return;
      }
    }
  }
  UciSection s;
  s.type = type->text;
  s.line = stmt_line_;
  if (name->present && !name->text.empty()) {
    s.name = name->text;
  } else {
    int index = 0;
    for (const auto& other : pkg_.sections)
      if (other.type == s.type) ++index;
    s.anonymous = true;
    s.name = "@" + s.type + "[" + std::to_string(index) + "]";
  }
  pkg_.sections.push_back(std::move(s));
  section_ = &pkg_.sections.back();
}

void Parser::cmd_option(bool list) {
  const char* kw = list ? "list" : "option";
  auto name = next_arg();
  if (!name) return;
  auto value = next_arg();
  if (!value) return;
  if (!expect_end(kw)) return;
  if (!section_) return error(stmt_line_, std::string(kw) + " found before the first section");
  if (!name->present || name->text.empty()) return error(stmt_line_, std::string(kw) + " without name");
  if (!valid_name(name->text))
    return error(stmt_line_, "invalid option name '" + name->text +
                                 "' (letters, digits and _ only)");

  auto& opts = section_->options;
  auto it = opts.begin();
  while (it != opts.end() && it->name != name->text) ++it;
  if (list) {
    if (it == opts.end()) {
      opts.push_back({name->text, {}, true, stmt_line_});
      it = opts.end() - 1;
    }
    it->is_list = true;  // uci turns an existing option into a list holding its old value
    it->values.push_back(value->text);
    it->line = stmt_line_;
    return;
  }
  if (value->text.empty()) {  // uci_set with an empty value deletes the option
    if (it != opts.end()) opts.erase(it);
    return;
  }
  if (it == opts.end()) {
    opts.push_back({name->text, {value->text}, false, stmt_line_});
  } else {
    *it = {name->text, {value->text}, false, stmt_line_};
  }
}

bool Parser::parse_statement() {
  skip_blanks();
  if (at_end()) return false;
  if (cur() == '\n') {
    advance();
    return true;
  }
  if (cur() == '#') {
    skip_line();
    return true;
  }
  stmt_line_ = line_;
  stmt_ended_ = false;
  // The keyword is a bare word ending at a blank (libuci splits it with strtok(" \t")).
  std::string kw;
  while (!at_eol() && cur() != ' ' && cur() != '\t' && cur() != '\r') {
    kw += cur();
    advance();
  }
  size_t errors_before = diags_.size();
  if (kw == "package" || kw == "p") {
    cmd_package();
  } else if (kw == "config" || kw == "c") {
    cmd_config();
  } else if (kw == "option" || kw == "o") {
    cmd_option(false);
  } else if (kw == "list" || kw == "l") {
    cmd_option(true);
  } else if (kw == ";") {
    stmt_ended_ = true;
  } else {
    error(stmt_line_, "invalid command '" + kw + "'");
  }
  if (diags_.size() != errors_before) {
    // Resume at the next line, as if the broken statement had not been there.
    skip_line();
  } else if (!stmt_ended_) {
    skip_line();
  }
  return true;
}

UciPackage Parser::run() {
  while (parse_statement()) {
  }
  return std::move(pkg_);
}

}  // namespace

const UciOption* UciSection::find(std::string_view option) const {
  for (const auto& o : options)
    if (o.name == option) return &o;
  return nullptr;
}

const UciSection* UciPackage::find(std::string_view section_name) const {
  for (const auto& s : sections)
    if (s.name == section_name) return &s;
  return nullptr;
}

UciPackage parse_uci(std::string_view text, const std::string& file_name, Diagnostics& diags) {
  Parser parser(text, file_name, diags);
  return parser.run();
}

std::string uci_quote(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

}  // namespace owsip::config
