"""The password policy, after NIST SP 800-63B (memorised secrets).

A password is accepted when it is long enough (:data:`MIN_LENGTH` characters, up to
:data:`MAX_LENGTH`; every character counts, spaces included, nothing is truncated), is not only
white space, does not contain the account's user name, and is not easy to guess: the zxcvbn
estimator (Wheeler 2016, "zxcvbn: Low-Budget Password Strength Estimation", USENIX Security),
which ships offline lists of the most common and breached passwords, English words, names,
keyboard patterns, repeats, sequences and dates, must rate it at least :data:`MIN_SCORE` of 4
("safely unguessable"). There are no composition rules (digits, symbols) and no forced expiry,
as the guideline advises.
"""

from __future__ import annotations

from precinct.core.errors import ValidationError

MIN_LENGTH = 10
MAX_LENGTH = 256
MIN_SCORE = 3
CONTEXT_WORDS = ("precinct", "police", "gongan", "jingcha", "110")


def check_password(password: str, *, username: str = "") -> None:
    """Refuse a password that does not meet the policy for the account ``username``.

    Raises
    ------
    ValidationError
        In Chinese and English, saying what to change.
    """
    if len(password) < MIN_LENGTH:
        raise ValidationError(f"密码至少需要 {MIN_LENGTH} 个字符 / the password must be at least {MIN_LENGTH} "
                              "characters long (a few unrelated words make a good one)")
    if len(password) > MAX_LENGTH:
        raise ValidationError(f"密码最多 {MAX_LENGTH} 个字符 / the password must be at most {MAX_LENGTH} characters")
    if not password.strip():
        raise ValidationError("密码不能只有空格 / the password must not be only spaces")
    name = username.strip().lower()
    if len(name) >= 3 and name in password.lower():
        raise ValidationError("密码不能包含用户名 / the password must not contain the user name")
    from zxcvbn import zxcvbn  # loads its word lists on first use (about 0.3 s)

    rating = zxcvbn(password[:100], user_inputs=[name, *CONTEXT_WORDS])  # the estimator is slow on long input
    if rating["score"] < MIN_SCORE:
        warning = rating["feedback"]["warning"] or "it is too easy to guess"
        raise ValidationError(f"密码太容易被猜到（常用密码、单词、键盘序列或重复字符）/ the password is too easy "
                              f"to guess: {warning.rstrip('.')}; use a longer phrase of unrelated words")
