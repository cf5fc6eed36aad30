// Texts of log-in with the second factor, its set-up and the own password (key: [zh-CN, en]); i18n.js merges them
// into its table.

export const ACCOUNT_TEXTS = {
  // log-in: the second factor
  mfa_intro: ["请输入身份验证器应用中的 6 位动态验证码。", "Enter the 6-digit code from your authenticator app."],
  login_recovery_intro: ["请输入一个尚未使用过的恢复码（每个只能使用一次）。", "Enter one of your recovery codes (each works once)."],
  mfa_code: ["动态验证码", "Authenticator code"],
  recovery_code: ["恢复码", "Recovery code"],
  use_recovery_code: ["改用恢复码", "Use a recovery code"],
  use_authenticator: ["改用动态验证码", "Use the authenticator code"],
  login_restart: ["换个账户登录", "Log in as someone else"],
  mfa_code_format: ["动态验证码为 6 位数字", "The code has 6 digits"],
  mfa_wrong_code: ["动态验证码错误或已使用过：请等应用显示下一个验证码后再试。", "Wrong or already used code: wait for the app's next code and try again."],
  recovery_wrong_code: ["恢复码错误或已使用过。", "Wrong or already used recovery code."],
  login_wait: ["登录失败次数过多，请 {s} 秒后再试。", "Too many failed log-ins: try again in {s} s."],
  login_locked: ["账户因多次登录失败已被暂时锁定，到期自动解锁，管理员也可提前解锁。", "The account is locked after repeated failed log-ins; it unlocks by itself, or an admin can unlock it sooner."],
  // setting up the second factor
  mfa_setup_title: ["设置双因素认证", "Set up two-step verification"],
  mfa_setup_intro: ["{role}账户登录时需要第二重验证。请用身份验证器应用（如 FreeOTP、Microsoft Authenticator、Google Authenticator）扫描二维码。",
    "{role} accounts log in with a second factor. Scan the QR code with an authenticator app (FreeOTP, Microsoft Authenticator, Google Authenticator, …)."],
  mfa_qr_label: ["身份验证器二维码", "QR code for the authenticator app"],
  mfa_secret_manual: ["无法扫描时，请在应用中手动输入此密钥：", "Cannot scan it? Enter this key in the app:"],
  mfa_confirm_code: ["应用显示的 6 位验证码", "The 6-digit code the app shows"],
  mfa_confirm: ["验证并启用", "Verify and turn on"],
  recovery_title: ["保存恢复码", "Save your recovery codes"],
  recovery_codes_intro: ["手机丢失或无法使用时，每个恢复码可代替动态验证码登录一次。恢复码只显示这一次：请抄下或打印，妥善保管。",
    "If you lose your phone, each recovery code logs you in once in place of a code. They are shown only this once: write them down or print them, and keep them safe."],
  recovery_saved: ["我已保存恢复码", "I have saved them"],
  mfa_enrolled: ["双因素认证已启用", "Two-step verification is on"],
  // the own password
  change_password: ["修改密码", "Change password"],
  password_current: ["当前密码", "Current password"],
  password_new: ["新密码", "New password"],
  password_repeat: ["再次输入新密码", "Repeat the new password"],
  password_rule: ["至少 10 个字符，不能包含用户名，且不易被猜到：几个不相关的词组成的短语最好。",
    "At least 10 characters, without the user name, hard to guess: a few unrelated words make a good one."],
  password_mismatch: ["两次输入的新密码不一致", "The new passwords do not match"],
  password_current_wrong: ["当前密码不正确", "The current password is wrong"],
  password_changed: ["密码已修改，所有会话均已结束：请用新密码重新登录。", "Password changed and every session ended: log in again with the new password."],
  cancel: ["取消", "Cancel"],
};
