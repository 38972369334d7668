#!/usr/bin/env python3
"""Rewrite the route table in docs/API.md from `shuzhi serve --print-routes`.

Usage: scripts/api-doc.py BIN [--check]
--check exits 1 (and says which lines differ) when docs/API.md is stale, so a
route added without documentation fails `make check`.
"""
import subprocess
import sys

BEGIN, END = "<!-- routes:begin -->", "<!-- routes:end -->"
ROLE_ZH = {"public": "公开", "admin": "管理员", "guardian": "监护人", "staff": "工作人员", "auditor": "审计员"}


def table(binary):
    out = subprocess.run([binary, "serve", "--print-routes"], check=True, capture_output=True, text=True).stdout
    rows = ["| 方法 | 路径 | 允许的角色 | 说明 |", "|---|---|---|---|"]
    for line in out.splitlines():
        method, pattern, roles, summary = line.split(" ", 3)
        zh = "、".join(ROLE_ZH.get(r, r) for r in roles.split(","))
        rows.append(f"| {method} | `{pattern}` | {zh} | {summary} |")
    return "\n".join(rows)


def main():
    binary, check = sys.argv[1], "--check" in sys.argv[2:]
    path = "docs/API.md"
    text = open(path, encoding="utf-8").read()
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{BEGIN}\n{table(binary)}\n{END}{tail}"
    if check:
        if new != text:
            old_rows = set(text.splitlines())
            missing = [r for r in new.splitlines() if r not in old_rows]
            print("docs/API.md is stale; run scripts/api-doc.py build/shuzhi. Missing: " + "; ".join(missing[:5]))
            sys.exit(1)
        return
    open(path, "w", encoding="utf-8").write(new)


main()
