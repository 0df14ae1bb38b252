# stack_bound.awk — the deepest stack any runtime entry point can use, from GCC's call graphs
# (-fcallgraph-info=su: one .ci file per object, frame sizes on the nodes, calls as edges).
#
#   awk -f stack_bound.awk -v limit=BYTES -v frame_limit=BYTES *.ci
#
# A call through a function pointer (the kernel tables) may reach any function whose address
# is taken; conservatively, it is charged the worst chain of any function defined in a
# kernels_*.cpp file. Frames of the C library (expf, memcpy) are not included. Fails (exit 1)
# above `limit`, on any single frame above `frame_limit`, on recursion, and on an unbounded
# frame (a variable-length array or alloca would make the bound meaningless).
function worst(node,    i, n, callee, best, cost) {
  if (node in memo) return memo[node]
  if (node in visiting) { print "recursion through " node; failed = 1; return 0 }
  visiting[node] = 1
  best = 0
  n = edge_count[node]
  for (i = 1; i <= n; ++i) {
    callee = edge[node, i]
    cost = (callee == "__indirect_call") ? worst_kernel() : worst(callee)
    if (cost > best) { best = cost; via[node] = callee }
  }
  delete visiting[node]
  memo[node] = frame[node] + best
  return memo[node]
}
function worst_kernel(    node, cost, best) {
  if (kernel_memo_done) return kernel_memo
  kernel_memo_done = 1
  best = 0
  for (node in frame) {
    if (node in is_kernel) {
      cost = worst(node)
      if (cost > best) { best = cost; kernel_worst = node }
    }
  }
  kernel_memo = best
  return best
}
/^node:/ {
  match($0, /title: "[^"]*"/); title = substr($0, RSTART + 8, RLENGTH - 9)
  if (match($0, /\\n[0-9]+ bytes \([a-z,]+\)/)) {
    text = substr($0, RSTART + 2, RLENGTH - 2)
    split(text, parts, " ")
    frame[title] = parts[1] + 0
    # "dynamic,bounded" (stack realignment) has a fixed worst case; plain "dynamic" does not.
    if (text ~ /dynamic\)/) { print "unbounded frame: " title " " text; failed = 1 }
    if (frame_limit != "" && frame[title] > frame_limit + 0) {
      print "FAIL: frame of " frame[title] " bytes (limit " frame_limit ") in " FILENAME ": " title
      failed = 1
    }
    if (FILENAME ~ /kernels_[a-z0-9_]+\.cpp/) is_kernel[title] = 1
    if (match($0, /label: "[^\\]*/)) name[title] = substr($0, RSTART + 8, RLENGTH - 8)
  }
}
/^edge:/ {
  match($0, /sourcename: "[^"]*"/); from = substr($0, RSTART + 13, RLENGTH - 14)
  match($0, /targetname: "[^"]*"/); to = substr($0, RSTART + 13, RLENGTH - 14)
  edge[from, ++edge_count[from]] = to
}
END {
  best = 0
  for (node in frame) {
    if (node in is_kernel) continue
    cost = worst(node)
    if (cost > best) { best = cost; entry = node }
  }
  printf "worst stack: %d bytes, from %s\n", best, name[entry]
  for (node = entry; node != ""; node = next_node) {
    next_node = via[node]
    if (next_node == "__indirect_call") { printf "  -> (kernel call) "; next_node = kernel_worst }
    if (next_node != "") printf "  -> %s (%d bytes)\n", name[next_node], frame[next_node]
  }
  if (failed) exit 1
  if (best > limit) { printf "FAIL: above the limit of %d bytes\n", limit; exit 1 }
  printf "within the limit of %d bytes\n", limit
}
