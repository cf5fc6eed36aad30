// Texts of the map's legend and city layers (key: [zh-CN, en]); i18n.js merges them into its table.

export const MAP_TEXTS = {
  legend: ["图例", "Legend"],
  legend_incidents: ["警情（按等级）", "Incidents (by priority)"],
  legend_priority: ["{p} 级", "Priority {p}"],
  legend_awaiting: ["待派警（黑框）", "Awaiting dispatch (black outline)"],
  legend_units: ["警力（按状态，放大后显示呼号）", "Units (by status; call signs when zoomed in)"],
  legend_map: ["底图", "Base map"],
  legend_roads: ["道路", "Roads"],
  legend_water: ["水系", "Water"],
  legend_parks: ["公园绿地", "Parks"],
};
