"""The security view in real headless Chromium: an admin manages accounts, a second person decides role grants,
auditors read the security alerts and check the audit chain."""

from __future__ import annotations

import pytest
from console_kit import lock_out, new_account

pytestmark = pytest.mark.browser


def account(server, username: str) -> dict:
    """The account ``username`` as the server lists it."""
    return next(u for u in server.api("admin", "GET", "/users").json() if u["username"] == username)


def grant_for(server, user_id: int) -> dict:
    """The pending role grant of the account ``user_id``."""
    return next(g for g in server.api("auditor", "GET", "/role-grants", params={"status": "pending"}).json()
                if g["user_id"] == user_id)


def test_admin_disables_an_account_and_creates_one_that_waits_for_approval(open_console, console_server) -> None:
    new_account(console_server, "temp-analyst", "analyst")
    console = open_console("admin")
    page = console.page
    page.click("#tab-security")
    row = "#account-list tr[data-username='temp-analyst']"
    page.wait_for_selector(f"{row}[data-state='active']")
    assert "正常" in page.locator(row).inner_text()
    assert "已设置" in page.locator("#account-list tr[data-username='supervisor']").inner_text()  # second factor
    page.click(f"{row} .account-manage")
    page.wait_for_selector("#account-detail[data-username='temp-analyst']")
    assert page.locator("#account-mfa-reset").count() == 0  # no second factor to reset
    page.click("#account-disable")
    page.wait_for_selector(f"{row}[data-state='disabled']")
    assert "已停用" in page.locator(row).inner_text()
    assert "已停用" in page.locator("#account-detail .account-badges").inner_text()
    assert page.locator("#account-enable").is_visible()
    assert account(console_server, "temp-analyst")["is_active"] is False
    # The admin's own account cannot be disabled from here.
    page.click("#account-list tr[data-username='admin'] .account-manage")
    page.wait_for_selector("#account-detail[data-username='admin']")
    assert page.locator("#account-disable").count() == 0
    # A new account with a role that reads personal data waits, disabled, for a second person's approval.
    page.fill("#new-username", "dispatcher-new")
    page.fill("#new-display-name", "新调度员")
    page.fill("#new-password", "short")
    page.select_option("#new-role", "dispatcher")
    page.fill("#new-reason", "夜班调度席位 / night shift dispatch desk")
    page.click("#account-create-submit")  # no organisation unit: refused, never city-wide by omission
    page.wait_for_selector("#account-create-error:has-text('请指定账户所属的组织单位')")
    [bureau] = console_server.api("admin", "GET", "/org/units", params={"tier": "city"}).json()
    assert page.locator("#new-org-unit option").nth(1).get_attribute("value") == str(bureau["id"])
    page.select_option("#new-org-unit", str(bureau["id"]))
    page.click("#account-create-submit")
    page.wait_for_selector("#account-create-error:has-text('密码至少需要 10 个字符')")
    page.fill("#new-password", "harbour violet compass 3921")
    page.click("#account-create-submit")
    new_row = "#account-list tr[data-username='dispatcher-new']"
    page.wait_for_selector(f"{new_row}[data-state='pending']")
    assert "待审批" in page.locator(new_row).inner_text()
    created = account(console_server, "dispatcher-new")
    assert created["is_active"] is False
    grant = grant_for(console_server, created["id"])
    # The admin sees the grant, but it is not the admin's to decide.
    item = page.wait_for_selector(f"#grant-list li[data-grant-id='{grant['id']}']")
    assert "新账户 → 调度员" in item.inner_text()
    assert page.locator("#grant-list .grant-approve").count() == 0
    console.screenshot("30-accounts-admin")
    page.click("#lang-toggle")
    page.wait_for_selector(f"{new_row}:has-text('Waiting for approval')")
    assert "Disabled" in page.locator(row).inner_text()
    assert page.locator("#accounts-panel h2").inner_text() == "Accounts"
    page.click("#lang-toggle")


def test_admin_resets_unlocks_and_changes_a_role_with_a_reason(open_console, console_server) -> None:
    new_account(console_server, "temp-reset", "analyst")
    lock_out(console_server, "temp-reset")
    console = open_console("admin")
    page = console.page
    page.click("#tab-security")
    row = "#account-list tr[data-username='temp-reset']"
    page.wait_for_selector(f"{row}:has-text('锁定至')")
    page.click(f"{row} .account-manage")
    page.wait_for_selector("#account-detail[data-username='temp-reset']")
    page.click("#account-unlock")
    page.wait_for_selector("#toast:has-text('解锁完成')")
    page.wait_for_selector("#account-detail[data-username='temp-reset'] #account-actions")
    assert page.locator(f"{row}:has-text('锁定至')").count() == 0
    assert page.locator("#account-unlock").count() == 0
    page.click("#account-revoke-tokens")
    page.wait_for_selector("#toast:has-text('结束全部会话完成')")
    page.fill("#account-password", "lantern meadow copper 4417")
    page.click("#account-password-reset")
    page.wait_for_selector("#toast:has-text('重设密码完成')")
    console_server.passwords["temp-reset"] = "lantern meadow copper 4417"
    # To auditor (no personal data): at once; then to dispatcher: a grant that waits for a second person.
    page.select_option("#account-role", "auditor")
    page.fill("#account-role-reason", "moves to the audit office")
    page.click("#account-role-change")
    page.wait_for_selector(f"{row}:has-text('审计员')")
    page.select_option("#account-role", "dispatcher")
    page.fill("#account-role-reason", "to the dispatch desk")
    page.click("#account-role-change")
    page.wait_for_selector("#toast:has-text('已提交角色申请')")
    page.wait_for_selector(f"{row}:has-text('角色变更待审批：调度员')")
    assert page.locator("#account-role-change").is_disabled()  # one request at a time


def test_auditor_approves_the_grant_and_sees_it_in_the_alerts(open_console, console_server) -> None:
    user = new_account(console_server, "calltaker-new", "call_taker", reason="接警席位扩充 / a new call desk")
    assert user["is_active"] is False
    grant = grant_for(console_server, user["id"])
    console = open_console("auditor")
    page = console.page
    assert page.locator("#view-security").is_visible()  # the auditor's start view
    item = f"#grant-list li[data-grant-id='{grant['id']}']"
    page.wait_for_selector(item)
    assert "接警席位扩充" in page.locator(item).inner_text()
    assert "admin" in page.locator(item).inner_text()  # who asked
    page.fill(f"{item} .grant-note", "已核实 / checked with the duty office")
    page.click(f"{item} .grant-approve")
    page.wait_for_selector(item, state="detached")
    approved = account(console_server, "calltaker-new")
    assert approved["is_active"] is True and approved["role"] == "call_taker"
    # The alerts list says who approved what, translated.
    row = page.wait_for_selector("#alert-list tr[data-action='security.grant_approved']:has-text('calltaker-new')")
    text = row.inner_text()
    assert "角色申请已批准" in text and "auditor · 审计员" in text and "接警员" in text
    assert page.locator("#alert-list tr[data-action='security.grant_requested']").count() >= 1
    page.click("#audit-verify")
    page.wait_for_selector("#audit-verify-result[data-ok='true']")
    assert "审计链完整" in page.locator("#audit-verify-result").inner_text()
    console.screenshot("31-alerts-auditor")
    page.click("#lang-toggle")
    page.wait_for_selector("#alert-list tr[data-action='security.grant_approved']:has-text('Role grant approved')")
    page.click("#audit-verify")
    page.wait_for_selector("#audit-verify-result:has-text('The audit chain is intact')")
    console.screenshot("32-alerts-auditor-english")
    page.click("#lang-toggle")


def test_supervisor_refuses_a_grant_but_never_decides_one_they_asked_for(open_console, console_server) -> None:
    user = new_account(console_server, "officer-new", "patrol_officer", reason="新警组 / a new patrol unit")
    grant = grant_for(console_server, user["id"])
    console = open_console("supervisor")
    page = console.page
    page.click("#tab-security")
    item = f"#grant-list li[data-grant-id='{grant['id']}']"
    page.wait_for_selector(item)
    assert page.locator("#accounts-panel").count() == 0 and page.locator("#alerts-panel").count() == 0
    page.click(f"{item} .grant-refuse")
    page.wait_for_selector(item, state="detached")
    refused = console_server.api("auditor", "GET", "/role-grants", params={"status": "refused"}).json()
    assert any(g["id"] == grant["id"] and g["decided_by"] == "supervisor" for g in refused)
    # A grant the supervisor asked for (as the server would list it) offers no buttons, only who decides it.
    other = new_account(console_server, "officer-other", "patrol_officer", reason="另一个警组 / another unit")
    console.patch_json("/role-grants*", lambda grants: [g.update(requested_by="supervisor") for g in grants])
    page.click("#tab-map")
    page.click("#tab-security")
    mine = f"#grant-list li[data-user-id='{other['id']}']"
    page.wait_for_selector(f"{mine} .grant-own")
    assert page.locator(f"{mine} button").count() == 0
