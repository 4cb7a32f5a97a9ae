// recursion.cpp: recursion, direct or mutual, through fns is an error at each call in a cycle.
//
// Every handler must terminate, and with loops bounded by their collections, forbidding cycles
// in the call graph is what guarantees it. Strongly connected components (Tarjan, iterative so
// that deep call chains cannot overflow the stack) find the cycles; a call is recursive when
// its caller and callee share a component.
#include <algorithm>
#include <deque>

#include <fmt/format.h>

#include "compiler/check/checker.h"

namespace sessproc::check {
namespace {

constexpr std::uint32_t kUnvisited = UINT32_MAX;

struct Graph {
  std::vector<std::vector<std::uint32_t>> callees;  // per fn, distinct
};

// Component id of every fn.
std::vector<std::uint32_t> components(const Graph& graph) {
  std::size_t count = graph.callees.size();
  std::vector<std::uint32_t> index(count, kUnvisited), low(count, 0), component(count, kUnvisited);
  std::vector<bool> on_stack(count, false);
  std::vector<std::uint32_t> stack;
  std::uint32_t next_index = 0;
  std::uint32_t next_component = 0;
  struct Frame {
    std::uint32_t node;
    std::size_t edge;
  };
  std::vector<Frame> frames;
  for (std::uint32_t root = 0; root < count; ++root) {
    if (index[root] != kUnvisited) continue;
    frames.push_back({root, 0});
    index[root] = low[root] = next_index++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!frames.empty()) {
      Frame& frame = frames.back();
      std::uint32_t node = frame.node;
      if (frame.edge < graph.callees[node].size()) {
        std::uint32_t next = graph.callees[node][frame.edge++];
        if (index[next] == kUnvisited) {
          index[next] = low[next] = next_index++;
          stack.push_back(next);
          on_stack[next] = true;
          frames.push_back({next, 0});
        } else if (on_stack[next]) {
          low[node] = std::min(low[node], index[next]);
        }
        continue;
      }
      if (low[node] == index[node]) {
        std::uint32_t member;
        do {
          member = stack.back();
          stack.pop_back();
          on_stack[member] = false;
          component[member] = next_component;
        } while (member != node);
        ++next_component;
      }
      frames.pop_back();
      if (!frames.empty()) {
        std::uint32_t parent = frames.back().node;
        low[parent] = std::min(low[parent], low[node]);
      }
    }
  }
  return component;
}

// The shortest chain of calls from `from` to `to` inside one component, both ends included.
std::vector<std::uint32_t> path_within(const Graph& graph, const std::vector<std::uint32_t>& comp,
                                       std::uint32_t from, std::uint32_t to) {
  std::unordered_map<std::uint32_t, std::uint32_t> parent{{from, from}};
  std::deque<std::uint32_t> queue{from};
  while (!queue.empty()) {
    std::uint32_t node = queue.front();
    queue.pop_front();
    if (node == to) break;
    for (std::uint32_t next : graph.callees[node]) {
      if (comp[next] != comp[from] || parent.contains(next)) continue;
      parent.emplace(next, node);
      queue.push_back(next);
    }
  }
  std::vector<std::uint32_t> path{to};
  while (path.back() != from) path.push_back(parent.at(path.back()));
  std::reverse(path.begin(), path.end());
  return path;
}

}  // namespace

void Checker::check_recursion() {
  Graph graph;
  graph.callees.resize(out.fns.size());
  for (const auto& edge : call_edges) graph.callees[edge.caller].push_back(edge.callee);
  for (auto& callees : graph.callees) {
    std::sort(callees.begin(), callees.end());
    callees.erase(std::unique(callees.begin(), callees.end()), callees.end());
  }
  std::vector<std::uint32_t> comp = components(graph);
  for (const auto& edge : call_edges) {
    if (comp[edge.caller] != comp[edge.callee]) continue;
    const std::string& callee = out.fns[edge.callee].name;
    std::string cycle;
    if (edge.caller == edge.callee) {
      cycle = fmt::format("`{}` calls itself", callee);
    } else {
      // caller -> callee -> ... -> caller
      std::vector<std::uint32_t> back = path_within(graph, comp, edge.callee, edge.caller);
      cycle = fmt::format("`{}` calls `{}`", out.fns[edge.caller].name, callee);
      for (std::size_t i = 1; i < back.size(); ++i) {
        cycle += fmt::format(", which calls `{}`", out.fns[back[i]].name);
      }
    }
    report.recursion(edge.at, callee, cycle);
  }
}

}  // namespace sessproc::check
