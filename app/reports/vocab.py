"""The words of 附件3-5: the four monthly reports, the milestones' columns, and the tables' headers as printed."""

from __future__ import annotations

from typing import NamedTuple

from app.accounts.vocab import MILESTONES


class ReportKind(NamedTuple):
    """A monthly report: its name, the default day of the month it is due, and where it goes."""

    label: str
    due_day: int
    recipient: str


PROGRESS, TOWN_SUMMARY, FUNDS, POINT_DETAIL = "progress", "town_summary", "funds", "point_detail"
# 方案五(五): 每月15日前上报县工作领导小组办公室; 附件4 备注: 每月18日前报县工作专班综合服务组; 七(一): 每月20日前
# 由资金保障组汇总资金执行情况并报市级; 附件5 备注: 每月25日前报县领导小组办公室.
REPORT_KINDS: dict[str, ReportKind] = {
    PROGRESS: ReportKind("工作任务进度表", 15, "县工作领导小组办公室"),
    TOWN_SUMMARY: ReportKind("工作任务调度汇总表（附件4）", 18, "县工作专班综合服务组"),
    FUNDS: ReportKind("就业补助资金执行情况", 20, "市级（县工作专班资金保障组汇总）"),
    POINT_DETAIL: ReportKind("工作任务调度明细表（附件5）", 25, "县领导小组办公室"),
}

# Milestones set by the process or ledger that causes them; the others are set on the milestones page.
PROCESS_MILESTONES = {"staff_authorised": "账号申请（工作人员授权）", "accepted_operating": "服务点建设验收",
                      "subsidy_arrived": "就业补助资金台账"}
MANUAL_MILESTONES = tuple(m for m in MILESTONES if m not in PROCESS_MILESTONES)
SUBSIDY_MILESTONE = "subsidy_arrived"
OPERATING_MILESTONE = "accepted_operating"

# 附件4, column by column. As scanned, its header reads 乡镇 | 服务点数量 | 签定协议完成率 |
# 开展培训完成率 | 工作人员授权 | 完成率 | 自助设备安装到位 | 完成率 | … | 就业补助资金到位: the first two
# milestones' count and rate cells ran together and the last lost its rate. DOMAIN.md asks for each milestone's
# count and rate, so every milestone gets the printed "<milestone> | 完成率" pair (the printed words, 签定 included).
SUMMARY_TITLE = "{county}就业社保服务基层服务点全覆盖工作任务调度汇总表"  # {county}: the county's name
SUMMARY_MILESTONES = (("agreement_signed", "签定协议"), ("staff_trained", "开展培训"),
                      ("staff_authorised", "工作人员授权"), ("kiosk_installed", "自助设备安装到位"),
                      ("accepted_operating", "完成验收并正式运行"), ("promotion_done", "开展专题宣传"),
                      ("subsidy_arrived", "就业补助资金到位"))
SUMMARY_HEADERS = ("乡镇", "服务点数量", *(h for _, label in SUMMARY_MILESTONES for h in (label, "完成率")))
SUMMARY_NOTE = ("1、第3、5、7、9、11、13、15列按服务点完成数量填报，"
                "第4、6、8、10、12、14、16列为完成率（完成数量÷服务点数量）。"
                "2、本表按月填报，每月18日前汇总报送至县工作专班综合服务组。")

# 附件5 as printed: two header rows (the first with merged group cells) over 16 numbered columns.
DETAIL_TITLE = "{county}就业社保服务基层服务点全覆盖工作任务调度明细表"
DETAIL_MILESTONES = (("agreement_signed", "签定协议"), ("staff_trained", "工作人员开展培训"),
                     ("kiosk_installed", "自助设备安装到位"), ("accepted_operating", "完成验收并正式运行"),
                     ("promotion_done", "开展专题宣传"), ("subsidy_arrived", "就业补助资金到位"))
DETAIL_GROUPS = (("乡镇", 1), ("服务点数量", 3), ("服务点情况", 6), ("工作任务完成情况", 6))
DETAIL_HEADERS = ("", "合计", "行政村(个)", "社区(个)", "行政村(社区)名称", "地域面积(平方公里)", "常驻人口万人",
                  "服务点所属机构名称", "服务点地址", "服务点位置", *(label for _, label in DETAIL_MILESTONES))
DETAIL_NOTES = ("1. 每个乡镇、行政村(社区)填一行。", "2. 11-16列相关工作任务已经完成的填1, 未完成填0或不填。",
                "3. 本表按月填报, 每月25日前汇总报送县领导小组办公室。")
SIGNATURE = "专项行动负责人(签字)"

# 附件3 工作任务分解表: the task, responsible team and time limit behind each milestone (the progress report).
PLAN = {
    "agreement_signed": ("与所辖乡镇、行政村（社区）服务点签订合作协议", "综合服务组", "2024年4月20日前"),
    "staff_authorised": ("完成基层服务点工作人员系统登陆账号和权限配置", "信息支撑组", "2024年5月20日前"),
    "kiosk_installed": ("100%完成自助设备的安装调试（6月30日前完成50%）", "信息支撑组", "2024年7月30日前"),
    "staff_trained": ("组织基层服务点工作人员进行业务培训", "社保服务组", "2024年7月30日前"),
    "accepted_operating": ("对服务点建设情况进行验收，验收合格的开始正式运行", "综合服务组", "2024年8月30日前"),
    "subsidy_arrived": ("全面兑现对基层服务点网络运行和宣传工作的资金补助", "综合服务组", "2024年8月30日前"),
    "promotion_done": ("组织开展“就业社保服务社区村村全覆盖”专题宣传", "政策宣传组", "2024年9月30日前"),
}
PROGRESS_HEADERS = ("序号", "工作任务", "责任班组", "完成时限", "服务点数量", "完成数量", "完成率", "未完成数量")
FUNDS_HEADERS = ("乡镇", "服务点数量", "正式运行服务点", "应补助金额(元)", "已下达金额(元)", "已到位金额(元)", "到位率",
                 "资金已到位服务点")
ENTRY_KINDS = {"allocated": "下达", "arrived": "到位"}
