// Texts of the cases view (案件): the register, a case's page, the review inbox, the clearance figures.
// key: [zh-CN, en]; tc(key, vars) reads them in the console's language.
import { lang } from "./i18n.js";

const CASES_TEXTS = {
  view_cases: ["案件", "Cases"],
  register: ["案件登记", "Case register"],
  all_states: ["全部状态", "All states"],
  none: ["没有案件", "No cases"],
  total: ["共 {n} 起", "{n} cases"],
  back: ["返回列表", "Back to the list"],
  new_case: ["从警情受案", "Register a case from an incident"],
  incident_id: ["警情编号", "Incident number"],
  kind: ["种类", "Kind"],
  type: ["类别", "Type"],
  summary: ["简要案情", "Summary"],
  create: ["受案", "Register"],
  created: ["已受案：{number}", "Registered: {number}"],
  number: ["编号", "Number"],
  state: ["状态", "State"],
  received: ["受案时间", "Received"],
  lead: ["主办民警", "Lead officer"],
  moves: ["可做的决定（提交审核）", "Decisions allowed (sent for review)"],
  no_moves: ["案件已终结", "The case is closed"],
  grounds: ["理由与依据", "Grounds"],
  submitted: ["已提交审核", "Sent for review"],
  deadlines: ["法定期限", "Legal deadlines"],
  no_deadlines: ["没有计时中的期限", "No deadlines"],
  due: ["期满", "due"],
  ended: ["已结束", "ended"],
  how: ["计算过程", "How it was reached"],
  tasks: ["任务", "Tasks"],
  task_title: ["任务内容", "Task"],
  assignee: ["承办人", "Assignee"],
  add_task: ["添加任务", "Add task"],
  task_done: ["完成", "Done"],
  incidents: ["关联警情", "Linked incidents"],
  suggestions: ["串并建议", "Linking suggestions"],
  find_similar: ["查找相似警情", "Find similar incidents"],
  accept: ["采纳", "Accept"],
  reject: ["不采纳", "Reject"],
  suggestion_line: ["警情 #{id} · 相距 {m} 米 · 相隔 {d} 天", "incident #{id} · {m} m away · {d} days apart"],
  documents: ["文书", "Documents"],
  upload: ["上传文书", "Upload"],
  custody: ["涉案财物保管记录", "Evidence and property custody"],
  no_items: ["没有涉案财物", "No items held"],
  parties: ["当事人", "Parties"],
  inbox: ["待审核", "Review inbox"],
  inbox_waiting: ["等待您审核", "Waiting for your review"],
  inbox_returned: ["退回给您", "Returned to you"],
  inbox_empty: ["没有待办", "Nothing waiting"],
  approve: ["批准", "Approve"],
  return: ["退回", "Return"],
  return_reason: ["退回理由", "Reason for returning"],
  approved: ["已批准", "Approved"],
  returned: ["已退回", "Returned"],
  events: ["案件日志", "Case log"],
  figures: ["破案与时效（案件）", "Case clearance and timeliness"],
  station: ["派出所", "Station"],
  month: ["月份", "Month"],
  opened: ["立案", "Opened"],
  cleared: ["破案", "Cleared"],
  closed: ["结案", "Closed"],
  within_limit: ["期限内决定", "Decisions within limit"],
  no_figures: ["所选期间没有案件", "No cases in the period"],
  "move.open": ["立案", "Open"],
  "move.not_open": ["不予立案", "Not open"],
  "move.decide": ["处罚决定", "Decide"],
  "move.transfer": ["移送审查起诉", "Transfer for prosecution"],
  "move.withdraw": ["撤案", "Withdraw"],
  "move.close": ["结案", "Close"],
  "dstate.running": ["计时中", "running"],
  "dstate.amber": ["临近", "near"],
  "dstate.red": ["超期", "overdue"],
  "dstate.paused": ["中止", "paused"],
  "dstate.met": ["期限内完成", "met"],
  "dstate.late": ["超期完成", "late"],
  "dstate.moot": ["无需", "moot"],
};

export function tc(key, vars = {}) {
  const entry = CASES_TEXTS[key];
  if (!entry) return key;
  const text = entry[lang() === "en" ? 1 : 0];
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? `{${name}}`));
}

/** The Chinese or English one of a record's `<field>_zh` / `<field>_en` pair. */
export function zhEn(record, field) {
  return record[`${field}_${lang() === "en" ? "en" : "zh"}`] ?? "";
}
