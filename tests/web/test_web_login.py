"""Log-in with the second factor, its set-up, and the account holder's own password, in real headless Chromium."""

from __future__ import annotations

import time

import httpx
import pyotp
import pytest
from console_kit import Console, lock_out, new_account, wrong_code

pytestmark = pytest.mark.browser


def test_supervisor_logs_in_with_an_authenticator_code_and_a_wrong_one_is_refused(browser, console_server) -> None:
    console = Console(browser, console_server)
    page = console.page
    console.submit_password("supervisor")
    # The password was right: the console asks for the code, with the phone's number pad and the focus on it.
    code = page.wait_for_selector("#login-otp:visible")
    assert page.evaluate("document.activeElement.id") == "login-otp"
    assert code.get_attribute("inputmode") == "numeric"
    assert code.get_attribute("autocomplete") == "one-time-code"
    assert page.locator("#login-password-step").is_hidden()
    assert "6 位动态验证码" in page.locator("#login-code-intro").inner_text()
    assert page.locator("#login-factor-switch").inner_text() == "改用恢复码"
    console.submit_code(wrong_code(console_server.factors.secrets["supervisor"]))
    page.wait_for_selector("#login-error:has-text('动态验证码错误或已使用过')")
    assert page.locator("#app").is_hidden()
    console.screenshot("20-login-code-refused")
    # In English, then the right code (the same user name and password are sent again).
    page.click("#login-screen .lang-toggle")
    assert page.locator("#login-code-intro").inner_text() == "Enter the 6-digit code from your authenticator app."
    assert page.locator("#login-factor-switch").inner_text() == "Use a recovery code"
    page.fill("#login-otp", "12345")
    page.click("#login-submit")
    assert page.locator("#login-error").inner_text() == "The code has 6 digits"
    console.submit_code(console_server.factors.code("supervisor"))
    page.wait_for_selector("body[data-ready='true']")
    assert page.locator("#who").inner_text().endswith("Supervisor")
    assert page.locator("#tab-security").is_visible()  # the grants to decide
    console.close()


def test_auditor_logs_in_with_a_recovery_code_once(browser, console_server) -> None:
    recovery_code = console_server.recovery_codes["auditor"][0]
    console = Console(browser, console_server)
    page = console.page
    console.submit_password("auditor")
    page.wait_for_selector("#login-otp:visible")
    page.click("#login-factor-switch")
    assert page.locator("#login-otp").is_hidden()
    assert page.evaluate("document.activeElement.id") == "login-recovery"
    assert page.locator("#login-factor-switch").inner_text() == "改用动态验证码"
    page.fill("#login-recovery", recovery_code)
    page.click("#login-submit")
    page.wait_for_selector("body[data-ready='true']")
    assert page.locator("#view-security").is_visible()  # an auditor starts on the security view
    # The same recovery code does not work twice.
    second = Console(browser, console_server)
    second.submit_password("auditor")
    second.page.click("#login-factor-switch")
    second.page.fill("#login-recovery", recovery_code)
    second.page.click("#login-submit")
    second.page.wait_for_selector("#login-error:has-text('恢复码错误或已使用过')")
    console.close()
    second.close()


def test_waits_and_locks_are_explained_in_both_languages(browser, console_server) -> None:
    new_account(console_server, "locked-analyst", "analyst")
    lock_out(console_server, "locked-analyst")
    console = Console(browser, console_server)
    page = console.page
    console.submit_password("locked-analyst")  # only the right password learns of the lock
    page.wait_for_selector("#login-error:has-text('账户因多次登录失败已被暂时锁定')")
    assert "until" in page.locator("#login-error").inner_text()  # the server's message says until when
    console.screenshot("21-login-locked")
    # Too many attempts: the server's wait (Retry-After), in seconds (the test server has no delays; stand one in).
    page.route("**/api/v1/auth/token", lambda route: route.fulfill(
        status=429, headers={"Retry-After": "42"},
        json={"error": {"code": "too_many_attempts", "title": "Too many attempts", "message": "wait 42 s"}}))
    page.click("#login-screen .lang-toggle")
    page.click("#login-submit")
    page.wait_for_selector("#login-error:has-text('Too many failed log-ins: try again in 42 s.')")
    assert page.locator("#login-submit").is_disabled()  # until the wait is over
    page.click("#login-screen .lang-toggle")
    page.wait_for_function("document.documentElement.lang === 'zh-CN'")
    console.close()


def test_account_without_a_second_factor_sets_one_up_and_lands_in_the_console(browser, console_server) -> None:
    new_account(console_server, "auditor-new", "auditor", display_name="新审计员")
    console = Console(browser, console_server)
    page = console.page
    # The QR code comes from the server; the console draws it without letting anything in it run.
    console.patch_json("/auth/mfa/enrol", lambda data: data.update(qr_svg=data["qr_svg"].replace(
        "<svg ", '<svg onload="window.__ran = 1" ') + '<script>window.__ran = 2</script>'))
    console.submit_password("auditor-new")
    page.wait_for_selector("body[data-screen='enrolment'] #enrol-secret")
    assert page.locator("#enrol-card h1").inner_text() == "设置双因素认证"
    assert "审计员账户登录时需要第二重验证" in page.locator("#enrol-card").inner_text()
    assert page.locator("#enrol-qr svg path").count() >= 1
    assert page.locator("#enrol-screen script").count() == 0
    assert page.locator("#enrol-qr svg").get_attribute("onload") is None
    assert page.evaluate("window.__ran") is None
    assert page.evaluate("document.activeElement.id") == "enrol-code"
    console.screenshot("22-enrolment")
    # English, on the same secret (switching the language does not start again).
    secret = page.locator("#enrol-secret").inner_text().replace(" ", "")
    page.click("#enrol-screen .lang-toggle")
    assert page.locator("#enrol-card h1").inner_text() == "Set up two-step verification"
    assert page.locator("#enrol-secret").inner_text().replace(" ", "") == secret
    enrolment_token = page.evaluate("sessionStorage.getItem('precinct.token')")
    page.fill("#enrol-code", wrong_code(secret))
    page.click("#enrol-confirm")
    page.wait_for_selector("#enrol-error:has-text('Wrong or already used code')")
    used_at = time.time()
    page.fill("#enrol-code", pyotp.TOTP(secret).at(used_at))
    page.click("#enrol-confirm")
    page.wait_for_selector("body[data-screen='recovery-codes']")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10 and len(set(codes)) == 10
    assert page.locator("#enrol-card h1").inner_text() == "Save your recovery codes"
    console.screenshot("23-recovery-codes")
    page.click("#recovery-saved")
    page.wait_for_selector("body[data-ready='true']")
    assert page.locator("#view-security").is_visible()
    assert page.locator("#who").inner_text() == "新审计员 · Auditor"
    # The enrolment token stopped working; the console goes on with the full one.
    me = httpx.get(f"{console_server.base_url}/api/v1/auth/me", headers={"Authorization": f"Bearer {enrolment_token}"})
    assert me.status_code == 401
    console_server.factors.remember("auditor-new", secret, used_at=used_at)
    # The next log-in asks for the code.
    again = Console(browser, console_server).log_in("auditor-new")
    assert again.page.locator("#view-security").is_visible()
    console.close()
    again.close()


def test_own_password_change_ends_the_session(browser, console_server) -> None:
    new_account(console_server, "analyst-pw", "analyst")
    console = Console(browser, console_server).log_in("analyst-pw")
    page = console.page
    page.click("#who")
    page.click("#change-password")
    page.wait_for_selector("#password-dialog[open]")
    old = console_server.passwords["analyst-pw"]
    new = "copper kettle meadow drift 5830"
    page.fill("#password-current", old)
    page.fill("#password-new", new)
    page.fill("#password-repeat", new + "x")
    page.click("#password-submit")
    assert page.locator("#password-error").inner_text() == "两次输入的新密码不一致"
    page.fill("#password-current", "not my password")
    page.fill("#password-repeat", new)
    page.click("#password-submit")
    page.wait_for_selector("#password-error:has-text('当前密码不正确')")
    assert page.locator("#app").is_visible()  # a wrong current password does not end the session
    page.fill("#password-current", old)
    page.fill("#password-new", "password12")
    page.fill("#password-repeat", "password12")
    page.click("#password-submit")
    page.wait_for_selector("#password-error:has-text('the password is too easy')")  # the policy's bilingual message
    assert "密码太容易被猜到" in page.locator("#password-error").inner_text()
    console.screenshot("24-password-policy")
    page.fill("#password-new", new)
    page.fill("#password-repeat", new)
    page.click("#password-submit")
    page.wait_for_selector("#login-screen:not([hidden]) #login-note:has-text('密码已修改')")
    console_server.passwords["analyst-pw"] = new
    console.log_in("analyst-pw")
    assert page.locator("#view-analyst").is_visible()
    console.close()
