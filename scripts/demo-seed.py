#!/usr/bin/env python3
"""Seed the demo database through the real HTTP API (make run).

Usage: scripts/demo-seed.py URL ADMIN_PW USER_PW
Creates two digital employees with guardians, runs their 上岗考核, takes
them live as the guardian, has staff run tasks and the guardian decide them,
so the pages show employees, a review queue, finished tasks and metrics.
"""
import http.cookiejar
import json
import sys
import urllib.request

URL, ADMIN_PW, USER_PW = sys.argv[1], sys.argv[2], sys.argv[3]


class Session:
    def __init__(self, user, pw):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  urllib.request.ProxyHandler({}))
        self.csrf = ""
        self.csrf = self.call("POST", "/api/login", {"username": user, "password": pw})["csrf"]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(URL + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if method != "GET":
            req.add_header("X-CSRF-Token", self.csrf)
        try:
            with self.opener.open(req, timeout=30) as r:
                return json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            msg = json.loads(e.read() or b"{}").get("error", {}).get("message", str(e))
            raise SystemExit(f"演示数据：{method} {path} 失败：{msg}")


BAD = "关于做好2025年防汛工作的通知\n各区人民政府:\n为切实做好防汛工作,现通知如下.\n1、提高思想认识\n2025年5月6日"
GOOD = ("××市人民政府办公室关于做好2025年防汛工作的通知\n各区人民政府，市政府各部门：\n"
        "为切实做好防汛工作，现将有关事项通知如下。\n一、提高思想认识\n各单位要充分认识防汛工作的重要性。\n"
        "××市人民政府办公室\n2025年5月6日")

admin = Session("admin", ADMIN_PW)
guard = Session("jianhu", USER_PW)
staff = Session("zhangsan", USER_PW)
staff2 = Session("lisi", USER_PW)
ids = []
for name, avatar, desc, minutes in [("公文校对员", "校", "按 GB/T 9704-2012 校对各科室报送的公文格式", 25),
                                    ("发文审核助理", "审", "对外发文前的格式复核", 15)]:
    emp = admin.call("POST", "/api/employees", {"name": name, "avatar": avatar, "guardian": "jianhu",
                                                "description": desc, "scenarios": ["gongwen.check"],
                                                "minutes_saved": minutes})["id"]
    admin.call("POST", f"/api/employees/{emp}/submit", {})
    guard.call("POST", f"/api/employees/{emp}/approve", {})
    ids.append(emp)
t1 = staff.call("POST", "/api/tasks", {"employee_id": ids[0], "scenario": "gongwen.check", "inputs": {"text": BAD}})["id"]
task = guard.call("GET", f"/api/tasks/{t1}")["task"]
guard.call("POST", f"/api/tasks/{t1}/edit", {"text": task["text"] + "\n监护人意见：请按上述问题修改后重新报送。"})
guard.call("POST", f"/api/tasks/{t1}/decide", {"decision": "approve"})
t2 = staff2.call("POST", "/api/tasks", {"employee_id": ids[0], "scenario": "gongwen.check", "inputs": {"text": GOOD}})["id"]
guard.call("POST", f"/api/tasks/{t2}/decide", {"decision": "approve"})
t3 = staff.call("POST", "/api/tasks", {"employee_id": ids[1], "scenario": "gongwen.check", "inputs": {"text": BAD}})["id"]
guard.call("POST", f"/api/tasks/{t3}/decide", {"decision": "return", "reason": "请附上原稿的 .docx 文件"})
staff2.call("POST", "/api/tasks", {"employee_id": ids[1], "scenario": "gongwen.check", "inputs": {"text": GOOD}})
print(f"演示数据：2 名数智员工（监护人 jianhu），4 项任务（2 项已通过，1 项退回，1 项待审核）")
