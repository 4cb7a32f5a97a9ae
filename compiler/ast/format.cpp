// format.cpp: the formatter's line discipline, declarations and members.
#include "compiler/ast/format.h"

#include <limits>

#include "compiler/ast/format_spelling.h"
#include "compiler/ast/format_writer.h"

namespace sessproc::ast {
namespace {

constexpr std::uint32_t kEndOfFile = std::numeric_limits<std::uint32_t>::max();

template <typename Variant>
SourceRange range_of(const Variant& node) {
  return std::visit([](const auto& alternative) { return alternative.range; }, node);
}

template <typename Nodes>
std::uint32_t first_begin(const Nodes& nodes, std::uint32_t otherwise) {
  return nodes.empty() ? otherwise : range_of(nodes.front()).begin;
}

std::string params_text(const std::vector<Param>& params) {
  return "(" + format_params(params) + ")";
}

// `(p: T)` for the handlers whose parameter is optional: nothing without one.
std::string optional_params_text(const std::vector<Param>& params) {
  return params.empty() ? std::string{} : params_text(params);
}

std::string type_text(const TypePtr& type) {
  return type ? format_type(*type) : std::string{};
}

}  // namespace

FormatWriter::FormatWriter(const File& file, std::string_view source)
    : file_(file), source_(source), comments_(file.comments, source) {}

std::string FormatWriter::run() {
  for (const auto& decl : file_.decls) {
    request_blank(true);
    this->decl(decl, kEndOfFile);
  }
  own_line_comments(kEndOfFile, true);
  return std::move(out_);
}

// ---- lines and comments ------------------------------------------------------

void FormatWriter::finish_line() {
  if (pending_blank_) out_ += '\n';
  pending_blank_ = false;
  first_in_block_ = false;
  if (!line_.empty()) out_.append(static_cast<std::size_t>(indent_) * 2, ' ');
  out_ += line_;
  out_ += '\n';
  line_.clear();
}

void FormatWriter::request_blank(bool blank) {
  if (blank && !first_in_block_) pending_blank_ = true;
}

void FormatWriter::begin_element(std::uint32_t begin, std::uint32_t header_end) {
  own_line_comments(begin, true);
  request_blank(comments_.blank_line_before(begin));
  own_line_comments(header_end, false);
}

void FormatWriter::trailing_comments(std::uint32_t anchor, std::uint32_t limit) {
  while (const Comment* comment = comments_.next_before(limit)) {
    if (!comments_.same_line(anchor, comment->range.begin)) break;
    line_ += ' ';
    line_ += comment_spelling(*comment);
    comments_.pop();
    // Nothing can follow a `//` comment on its line.
    if (comment->text.starts_with("//")) break;
  }
}

void FormatWriter::own_line_comments(std::uint32_t offset, bool allow_blank) {
  while (const Comment* comment = comments_.next_before(offset)) {
    request_blank(allow_blank && comments_.blank_line_before(comment->range.begin));
    line_ = comment_spelling(*comment);
    comments_.pop();
    const Comment* previous = comment;
    while (!previous->text.starts_with("//")) {
      const Comment* next = comments_.next_before(offset);
      if (next == nullptr || !comments_.same_line(previous->range.end, next->range.begin)) break;
      line_ += ' ';
      line_ += comment_spelling(*next);
      comments_.pop();
      previous = next;
    }
    finish_line();
  }
}

void FormatWriter::simple(SourceRange range, std::string text, std::uint32_t limit) {
  begin_element(range.begin, range.end);
  line_ = std::move(text);
  trailing_comments(range.end, limit);
  finish_line();
}

// ---- declarations --------------------------------------------------------------

namespace {

std::string effect_text(const EffectDecl& effect) {
  std::string text = "effect " + format_path(effect.path) + params_text(effect.params);
  if (effect.result) text += " -> " + format_type(*effect.result);
  return text + ";";
}

std::string type_alias_text(const TypeAlias& alias) {
  return "type " + alias.name.name + " = " + type_text(alias.type) + ";";
}

std::string names_text(const std::vector<Identifier>& names) {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += ", ";
    text += names[i].name;
  }
  return text;
}

}  // namespace

void FormatWriter::decl(const Decl& decl, std::uint32_t limit) {
  std::visit(
      [&](const auto& node) {
        using Node = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<Node, ReducerDecl>) {
          reducer(node, limit);
        } else if constexpr (std::is_same_v<Node, SessionDecl>) {
          session(node, limit);
        } else if constexpr (std::is_same_v<Node, FnDecl>) {
          fn(node, limit);
        } else if constexpr (std::is_same_v<Node, EffectDecl>) {
          simple(node.range, effect_text(node), limit);
        } else {
          simple(node.range, type_alias_text(node), limit);
        }
      },
      decl);
}

void FormatWriter::reducer(const ReducerDecl& reducer, std::uint32_t limit) {
  std::uint32_t header_end = reducer.name.range.end;
  begin_element(reducer.range.begin, header_end);
  line_ = "reducer " + reducer.name.name;
  body(header_end, reducer.range.end, first_begin(reducer.members, reducer.range.end),
       !reducer.members.empty(), [&] {
         for (const auto& member : reducer.members) this->member(member, reducer.range.end);
       });
  trailing_comments(reducer.range.end, limit);
  finish_line();
}

void FormatWriter::member(const ReducerMember& member, std::uint32_t limit) {
  std::visit(
      [&](const auto& node) {
        using Node = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<Node, PrefixDecl>) {
          simple(node.range, prefix_text(node), limit);
        } else if constexpr (std::is_same_v<Node, StateDecl>) {
          state(node, limit);
        } else if constexpr (std::is_same_v<Node, OnHandler>) {
          std::string header = "on " + quote_string(node.action.value);
          header += optional_params_text(node.params);
          if (node.guard) header += " when " + format_expr(*node.guard);
          if (node.rate_limit) {
            header += ' ';
            header += rate_limit_spelling(node.rate_limit->kind);
            header += ' ';
            header += node.rate_limit->duration.spelling;
          }
          handler(node.range, std::move(header), node.body, limit);
        } else if constexpr (std::is_same_v<Node, AsyncHandler>) {
          std::string header = "async ";
          if (node.policy_written || node.policy != AsyncPolicy::Every) {
            header += async_policy_spelling(node.policy);
            header += ' ';
          }
          header += quote_string(node.action.value) + optional_params_text(node.params);
          handler(node.range, std::move(header), node.body, limit);
        } else if constexpr (std::is_same_v<Node, QueryDecl>) {
          std::string header = "query " + quote_string(node.name.value);
          header += optional_params_text(node.params) + " -> " + type_text(node.result);
          handler(node.range, std::move(header), node.body, limit);
        } else if constexpr (std::is_same_v<Node, FnDecl>) {
          fn(node, limit);
        } else {
          simple(node.range, effect_text(node), limit);
        }
      },
      member);
}

// `prefix "";` and `prefix none;` make the same tree; the source says which
// one the author wrote.
std::string FormatWriter::prefix_text(const PrefixDecl& prefix) const {
  if (!prefix.is_none) return "prefix " + quote_string(prefix.value.value) + ";";
  SourceRange written = prefix.value.range;
  bool as_string = written.end > written.begin && written.begin < source_.size() &&
                   source_[written.begin] == '"';
  return as_string ? "prefix \"\";" : "prefix none;";
}

void FormatWriter::state(const StateDecl& state, std::uint32_t limit) {
  begin_element(state.range.begin, state.range.begin);
  line_ = "state";
  body(state.range.begin, state.range.end, first_field_begin(state), !state.fields.empty(), [&] {
    for (const auto& field : state.fields) {
      std::string text = field.name.name + ": " + type_text(field.type) + " = ";
      if (field.default_value) text += format_expr(*field.default_value);
      simple(field.range, text + ";", state.range.end);
    }
  });
  trailing_comments(state.range.end, limit);
  finish_line();
}

std::uint32_t FormatWriter::first_field_begin(const StateDecl& state) {
  return state.fields.empty() ? state.range.end : state.fields.front().range.begin;
}

void FormatWriter::handler(SourceRange range, std::string header, const Block& body,
                           std::uint32_t limit) {
  begin_element(range.begin, body.range.begin);
  line_ = std::move(header);
  block(body);
  trailing_comments(range.end, limit);
  finish_line();
}

void FormatWriter::fn(const FnDecl& fn, std::uint32_t limit) {
  std::string header = "fn " + fn.name.name + params_text(fn.params);
  if (fn.result) header += " -> " + format_type(*fn.result);
  handler(fn.range, std::move(header), fn.body, limit);
}

void FormatWriter::session(const SessionDecl& session, std::uint32_t limit) {
  std::uint32_t header_end = session.name.range.end;
  begin_element(session.range.begin, header_end);
  line_ = "session " + session.name.name;
  body(header_end, session.range.end, first_begin(session.members, session.range.end),
       !session.members.empty(), [&] {
         for (const auto& member : session.members) {
           session_member(member, session.range.end);
         }
       });
  trailing_comments(session.range.end, limit);
  finish_line();
}

void FormatWriter::session_member(const SessionMember& member, std::uint32_t limit) {
  std::visit(
      [&](const auto& node) {
        using Node = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<Node, SessionReducers>) {
          simple(node.range, "reducers " + names_text(node.names) + ";", limit);
        } else if constexpr (std::is_same_v<Node, SessionTtl>) {
          simple(node.range, "ttl " + node.duration.spelling + ";", limit);
        } else {
          handler(node.range, "init" + params_text(node.params), node.body, limit);
        }
      },
      member);
}

std::string format_file(const File& file, std::string_view source) {
  return FormatWriter(file, source).run();
}

}  // namespace sessproc::ast
