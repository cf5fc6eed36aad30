"""`precinct user add` (password from stdin) and `precinct user unlock`."""

from __future__ import annotations

from sqlalchemy import create_engine, text


def test_user_add_and_unlock(fresh_database_url, cli):
    added = cli("user", "add", "duty-chief", "--role", "supervisor", input="a-long-password\n")
    assert added.exit_code == 0, added.output
    assert "duty-chief" in added.output
    assert cli("user", "add", "duty-chief", "--role", "supervisor", input="a-long-password\n").exit_code == 1
    bad_role = cli("user", "add", "someone", "--role", "sheriff", input="a-long-password\n")
    assert bad_role.exit_code == 2 and "--role must be one of" in bad_role.output
    assert cli("user", "add", "someone", "--role", "analyst", input="\n").exit_code == 2
    assert cli("user", "add", "someone", "--role", "analyst", input="short\n").exit_code == 2

    engine = create_engine(fresh_database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE users SET locked_at = CURRENT_TIMESTAMP WHERE username = 'duty-chief'"))
    unlocked = cli("user", "unlock", "duty-chief")
    assert unlocked.exit_code == 0, unlocked.output
    with engine.connect() as conn:
        assert conn.execute(text("SELECT locked_at FROM users WHERE username = 'duty-chief'")).scalar() is None
    engine.dispose()
    assert cli("user", "unlock", "nobody").exit_code == 2  # a name that does not exist: fix the command
