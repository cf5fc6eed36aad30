// Two languages: zh-CN (default) and English. Texts are keyed; dates and numbers go through Intl.
import { ACCOUNT_TEXTS } from "./i18n-accounts.js";
import { MAP_TEXTS } from "./i18n-map.js";
import { SHIFT_TEXTS } from "./i18n-shift.js";

const STORAGE_KEY = "precinct.lang";

// key: [zh-CN, en]
const TEXTS = {
  app_title: ["指挥一张图", "One-map console"],
  skip_to_panel: ["跳到操作面板", "Skip to the panel"],
  username: ["用户名", "Username"],
  password: ["密码", "Password"],
  log_in: ["登录", "Log in"],
  log_out: ["退出", "Log out"],
  switch_language: ["English", "中文"],
  view_map: ["一张图", "Map"],
  view_drills: ["演练", "Drills"],
  drill_scenarios: ["演练剧本", "Drill scenarios"],
  drill_runs: ["演练记录", "Drill runs"],
  drill_steps: ["{n} 个步骤", "{n} steps"],
  drill_speed: ["速度", "Speed"],
  drill_start: ["开始演练", "Start drill"],
  drill_started: ["演练已开始：{name}", "Drill started: {name}"],
  drill_name: ["名称", "Name"],
  drill_started_at: ["开始时间", "Started"],
  drill_review: ["评分与复盘", "Score and replay"],
  drill_finish: ["结束演练", "Finish drill"],
  drill_status_running: ["进行中", "running"],
  drill_status_finished: ["已结束", "finished"],
  drill_injected: ["已注入警情", "Calls injected"],
  drill_dispatched: ["已派警", "Dispatched"],
  drill_followed: ["按推荐派警比例", "Sent the recommended unit"],
  drill_to_dispatch: ["派警用时（中位数）", "Time to dispatch (median)"],
  drill_to_on_scene: ["到场用时（中位数）", "Time to on scene (median)"],
  drill_step: ["步骤", "Step"],
  drill_recommended: ["推荐警力", "Recommended"],
  drill_sent: ["实际派出", "Sent"],
  drill_replay: ["复盘（逐步）", "Replay, step by step"],
  drill_previous: ["上一步", "Previous"],
  drill_next: ["下一步", "Next"],
  view_officer: ["我的任务", "My assignment"],
  view_analyst: ["分析", "Analysis"],
  layers: ["图层", "Layers"],
  panel_queue: ["警情", "Incidents"],
  panel_call: ["新警情", "New call"],
  panel_units: ["警力", "Units"],
  panel_duty: ["勤务等级", "Duty levels"],
  live_push: ["实时推送", "Live (push)"],
  live_polling: ["轮询刷新", "Polling"],
  live_connecting: ["连接中…", "Connecting…"],
  live_offline: ["连接中断", "Disconnected"],
  loading: ["加载中…", "Loading…"],
  not_available: ["暂无数据（接口尚未提供）", "Not available yet (no endpoint)"],
  no_data: ["暂无数据", "No data"],
  features: ["{n} 项", "{n} features"],
  error: ["错误", "Error"],
  field_other: ["其他内容", "another field"],
  forbidden_role: ["当前角色无权查看", "Your role may not see this"],
  // layers
  layer_roads: ["道路", "Roads"],
  layer_districts: ["分局辖区", "District boundaries"],
  layer_stations: ["派出所辖区", "Station boundaries"],
  layer_beats: ["警务区", "Beats"],
  layer_incidents: ["实时警情", "Live incidents"],
  layer_units: ["警力", "Units"],
  layer_hotspots: ["预测热点", "Forecast hotspots"],
  layer_coverage: ["1/3/5 分钟覆盖", "1/3/5-minute coverage"],
  layer_premises: ["重点场所", "Premises"],
  layer_repeats: ["重复报警地点", "Repeat-call places"],
  layer_duty: ["分局勤务等级", "Duty level by district"],
  // statuses
  "status.received": ["已接警", "Received"],
  "status.dispatched": ["已派警", "Dispatched"],
  "status.en_route": ["在途", "En route"],
  "status.on_scene": ["到场", "On scene"],
  "status.closed": ["已结案", "Closed"],
  "status.transferred": ["已移交", "Transferred"],
  "unit.available": ["空闲", "Available"],
  "unit.dispatched": ["已派", "Dispatched"],
  "unit.en_route": ["在途", "En route"],
  "unit.on_scene": ["到场", "On scene"],
  "unit.off_duty": ["下班", "Off duty"],
  "unit.out_of_service": ["停用", "Out of service"],
  "unit_type.patrol_car": ["巡逻车", "Patrol car"],
  "unit_type.foot_patrol": ["步巡", "Foot patrol"],
  "unit_type.motorcycle": ["摩托巡逻", "Motorcycle"],
  "unit_type.rapid_response": ["快反", "Rapid response"],
  "unit_type.traffic": ["交警", "Traffic"],
  "unit_type.community": ["社区民警", "Community"],
  "source.phone_110": ["110 电话", "110 call"],
  "source.online_report": ["网上报警", "Online report"],
  "source.alarm_button": ["一键报警", "Alarm button"],
  "source.transfer": ["转警", "Transfer"],
  "source.officer_initiated": ["民警自查", "Officer-initiated"],
  "disposition.resolved": ["已处置", "Resolved"],
  "disposition.arrested": ["已抓获", "Arrested"],
  "disposition.referred": ["已移送", "Referred"],
  "disposition.false_alarm": ["误报", "False alarm"],
  "disposition.duplicate": ["重复报警", "Duplicate"],
  "disposition.cancelled": ["已撤销", "Cancelled"],
  "party.caller": ["报警人", "Caller"],
  "party.victim": ["受害人", "Victim"],
  "party.witness": ["证人", "Witness"],
  "role.call_taker": ["接警员", "Call taker"],
  "role.dispatcher": ["调度员", "Dispatcher"],
  "role.patrol_officer": ["巡逻民警", "Patrol officer"],
  "role.analyst": ["分析员", "Analyst"],
  "role.supervisor": ["值班领导", "Supervisor"],
  "role.auditor": ["审计员", "Auditor"],
  "role.admin": ["管理员", "Administrator"],
  "agency.fire": ["消防 119", "Fire 119"],
  "agency.ambulance": ["急救 120", "Ambulance 120"],
  "agency.hotline_12345": ["政务热线 12345", "Hotline 12345"],
  "mode.transfer": ["移交", "Transfer"],
  "mode.joint": ["联动", "Joint response"],
  priority: ["优先级", "Priority"],
  priority_n: ["{n} 级", "P{n}"],
  simulated: ["模拟", "SIMULATED"],
  // queue
  open_incidents: ["未结警情 {n} 起", "{n} open incidents"],
  filter_incidents: ["筛选", "Filter"],
  show_simulated: ["显示模拟警情", "Show simulated"],
  // call form
  call_source: ["来源", "Source"],
  call_type: ["警情类型", "Incident type"],
  call_type_search: ["搜索类型", "Search types"],
  call_address: ["地址", "Address"],
  call_location: ["位置", "Location"],
  call_pick_hint: ["在地图上点击以选定位置", "Click the map to set the location"],
  lon: ["经度", "Longitude"],
  lat: ["纬度", "Latitude"],
  call_no_location: ["尚未选定位置", "No location yet"],
  call_description: ["警情描述", "Description"],
  caller_name: ["报警人姓名", "Caller name"],
  caller_phone: ["报警人电话", "Caller phone"],
  call_submit: ["创建警情", "Create incident"],
  call_created: ["警情已创建：#{id}", "Incident #{id} created"],
  call_need_location: ["请先在地图上选定位置", "Set the location on the map first"],
  default_priority: ["默认（按类型）", "Default (from type)"],
  duplicates: ["附近可能重复的警情", "Possible duplicates nearby"],
  duplicates_none: ["附近无未结同类警情", "No open incidents of this type nearby"],
  duplicate_row: ["{distance} 米 · {minutes} 分钟前", "{distance} m · {minutes} min ago"],
  attach_duplicate: ["归并到 #{id}", "Attach to #{id}"],
  attached: ["已归并到 #{id}", "Attached to #{id}"],
  duty_units: ["可用警力 {a} / 最低 {m}", "{a} units available / minimum {m}"],
  open_existing: ["查看（关联而不重复派警）", "Open (attach instead of dispatching again)"],
  // incident panel
  back: ["返回", "Back"],
  received_at: ["接警时间", "Received"],
  address: ["地址", "Address"],
  description: ["描述", "Description"],
  recommendations: ["推荐警力", "Recommended units"],
  rec_travel: ["{time} · {distance}", "{time} · {distance}"],
  dispatch: ["派警", "Dispatch"],
  dispatched_unit: ["已派 {unit}", "{unit} dispatched"],
  excluded: ["已排除", "Excluded"],
  move_ups: ["补位建议", "Move-up suggestions"],
  assignments: ["出警警力", "Assigned units"],
  events: ["处置记录", "Event log"],
  change_status: ["状态", "Status"],
  to_status: ["改为：{s}", "Set {s}"],
  close_incident: ["结案", "Close"],
  disposition: ["处置结果", "Disposition"],
  note: ["备注", "Note"],
  response_plan: ["处置预案", "Response plan"],
  plan_units: ["建议警力", "Units to send"],
  plan_notify: ["通知", "Notify"],
  handoff: ["移交 / 联动", "Hand off / joint response"],
  agency: ["单位", "Agency"],
  mode: ["方式", "Mode"],
  reason: ["原因", "Reason"],
  handoff_submit: ["提交移交", "Hand off"],
  handoff_done: ["已提交移交", "Handed off"],
  parties: ["当事人信息", "Parties"],
  parties_purpose: ["查阅目的（将记入审计）", "Purpose (recorded in the audit log)"],
  parties_show: ["查看当事人信息", "Show parties"],
  parties_hidden: ["当事人信息仅对以下角色开放：{roles}", "Party details are open to these roles only: {roles}"],
  parties_reason: ["事由（将记入审计）", "Reason (recorded in the audit log)"],
  parties_reason_default: ["联系报警人核实情况", "contact the caller about the call"],
  status_done: ["状态已更新", "Status updated"],
  // units
  units_count: ["警力 {n} 个（空闲 {a}）", "{n} units ({a} available)"],
  unit_status_filter: ["状态", "Status"],
  all: ["全部", "All"],
  // duty
  duty_level: ["等级", "Level"],
  duty_reason: ["原因", "Reason"],
  duty_set: ["设定", "Set"],
  duty_saved: ["勤务等级已更新", "Duty level updated"],
  duty_readonly: ["仅以下角色可调整勤务等级：{roles}", "Only these roles may change duty levels: {roles}"],
  // officer
  my_unit: ["我的警组", "My unit"],
  no_unit: ["账户未绑定警组（请管理员设置 unit_id）", "Your account has no unit (ask an admin to set unit_id)"],
  no_assignment: ["当前没有任务", "No assignment right now"],
  acknowledge: ["确认接收", "Acknowledge"],
  acknowledged: ["已确认", "Acknowledged"],
  set_en_route: ["出发", "En route"],
  set_on_scene: ["到场", "On scene"],
  set_available: ["处置完毕，恢复空闲", "Clear, available"],
  navigation: ["导航路线", "Route to scene"],
  route_summary: ["约 {time}，{distance}", "About {time}, {distance}"],
  route_straight: ["直线（路网路线不可用）", "Straight line (road route unavailable)"],
  officer_directives: ["我的指令", "My directives"],
  officer_no_directives: ["本警组当前没有待办指令", "No directives for your unit right now"],
  officer_directive_late: ["已超期 {time}", "Overdue by {time}"],
  officer_directives_more: ["另有 {n} 条未显示", "{n} more not shown"],
  // analyst
  filters: ["筛选条件", "Filters"],
  received_from: ["接警起", "Received from"],
  received_to: ["接警止", "Received to"],
  district: ["分局", "District"],
  status: ["状态", "Status"],
  type: ["类型", "Type"],
  source: ["来源", "Source"],
  simulated_filter: ["模拟数据", "Simulated"],
  only_real: ["仅真实", "Real only"],
  only_simulated: ["仅模拟", "Simulated only"],
  apply: ["查询", "Apply"],
  export_csv: ["导出 CSV", "Export CSV"],
  total_rows: ["共 {n} 条", "{n} rows"],
  page_of: ["第 {p} / {n} 页", "Page {p} of {n}"],
  prev: ["上一页", "Previous"],
  next: ["下一页", "Next"],
  chart_hour: ["按小时", "By hour"],
  chart_weekday: ["按星期", "By weekday"],
  chart_type: ["按类型（前 10）", "By type (top 10)"],
  chart_district: ["按分局", "By district"],
  charts_basis: ["图表基于 {n} 起警情", "Charts based on {n} incidents"],
  forecast_accuracy: ["预测准确率", "Forecast accuracy"],
  spikes: ["异常激增", "Spikes"],
  repeat_calls: ["重复报警地点", "Repeat-call places"],
  id: ["编号", "ID"],
  auditor_note: ["警情数据不对审计员开放；安全告警与审计链校验见“安全管理”。", "Incident data is not open to auditors; security alerts and the audit chain check are in the Security view."],
  ...ACCOUNT_TEXTS,
  ...MAP_TEXTS,
  ...SHIFT_TEXTS,
};

const WEEKDAYS = { "zh-CN": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"], en: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] };

let language = localStorage.getItem(STORAGE_KEY) === "en" ? "en" : "zh-CN";
const listeners = new Set();

export function lang() {
  return language;
}

export function setLang(value) {
  language = value === "en" ? "en" : "zh-CN";
  localStorage.setItem(STORAGE_KEY, language);
  applyStatic();
  for (const fn of listeners) fn(language);
}

export function onLangChange(fn) {
  listeners.add(fn);
}

/** Whether a text exists for `key` (codes the server may add have none yet). */
export function known(key) {
  return key in TEXTS;
}

export function t(key, vars = {}) {
  const entry = TEXTS[key];
  let text = entry ? entry[language === "en" ? 1 : 0] : key;
  for (const [name, value] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, value);
  return text;
}

/** Pick the zh or en field of an object: name(obj) uses obj.name_zh / obj.name_en (name(obj, "description")
 * obj.description_zh / obj.description_en), pair(obj) uses zh / en. */
export function name(obj, field = "name") {
  if (!obj) return "";
  const zh = obj[`${field}_zh`], en = obj[`${field}_en`];
  return language === "en" ? en || zh : zh || en;
}

export function pair(obj) {
  if (!obj) return "";
  return language === "en" ? obj.en || obj.zh : obj.zh || obj.en;
}

export function weekdayNames() {
  return WEEKDAYS[language];
}

// The city's time zone, from the server (GET /meta local_timezone); the browser's own until it is known.
let timeZone;
let partsFormat = null;

export function setTimeZone(zone) {
  timeZone = zone;
  partsFormat = null;
}

export function fmtDateTime(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(language, { dateStyle: "short", timeStyle: "medium", timeZone }).format(new Date(iso));
}

export function fmtTime(date) {
  return new Intl.DateTimeFormat(language, { timeStyle: "medium", timeZone }).format(date);
}

/** The wall-clock reading of an instant in the city's time zone: {year, month, day, hour, minute, timeZoneName}. */
function zoneParts(date) {
  partsFormat ??= new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric",
    day: "numeric", hour: "numeric", minute: "numeric", timeZoneName: "longOffset" });
  const parts = {};
  for (const part of partsFormat.formatToParts(date)) parts[part.type] = part.value;
  return parts;
}

/** The city's calendar date of an instant, as "2025-03-01". */
export function cityDate(date = new Date()) {
  const parts = zoneParts(date);
  return `${parts.year}-${parts.month.padStart(2, "0")}-${parts.day.padStart(2, "0")}`;
}

/** Hour (0–23) and weekday (0 = Monday) of an instant, in the city's time zone. */
export function localHourAndWeekday(iso) {
  const parts = zoneParts(new Date(iso));
  const weekday = new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day))).getUTCDay();
  return { hour: Number(parts.hour), weekday: (weekday + 6) % 7 };
}

/** The city's UTC offset at an instant, as "+08:00". */
function offsetAt(ms) {
  const offset = zoneParts(new Date(ms)).timeZoneName.replace("GMT", ""); // "GMT+08:00", or "GMT" for UTC
  return offset || "+00:00";
}

function offsetMs(offset) {
  const [hours, minutes] = offset.slice(1).split(":").map(Number);
  return (offset[0] === "-" ? -1 : 1) * (hours * 60 + minutes) * 60000;
}

/** A datetime-local value ("2025-03-01T08:30"), read as wall-clock time in the city, as ISO 8601 with its offset. */
export function isoFromLocal(value) {
  if (!value) return undefined;
  const wall = Date.parse(`${value}:00Z`); // the reading taken as if it were UTC
  const offset = offsetAt(wall - offsetMs(offsetAt(wall))); // twice, so that a daylight-saving change between is caught
  return `${value}:00${offset}`;
}

export function fmtNumber(value, options = {}) {
  return new Intl.NumberFormat(language, options).format(value);
}

/** "A、B和C" / "A, B, and C". */
export function fmtList(items) {
  return new Intl.ListFormat(language, { type: "conjunction" }).format(items);
}

export function fmtDistance(metres) {
  if (metres == null) return "";
  if (metres >= 1000) return new Intl.NumberFormat(language, { style: "unit", unit: "kilometer", maximumFractionDigits: 1 }).format(metres / 1000);
  return new Intl.NumberFormat(language, { style: "unit", unit: "meter", maximumFractionDigits: 0 }).format(metres);
}

export function fmtDuration(seconds) {
  if (seconds == null) return "";
  if (seconds < 60) return new Intl.NumberFormat(language, { style: "unit", unit: "second", maximumFractionDigits: 0 }).format(seconds);
  return new Intl.NumberFormat(language, { style: "unit", unit: "minute", maximumFractionDigits: 1 }).format(seconds / 60);
}

/** Translate the elements marked data-i18n (text) and data-i18n-label (aria-label). */
export function applyStatic(root = document) {
  document.documentElement.lang = language;
  document.title = `Precinct ${t("app_title")}`;
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
}
