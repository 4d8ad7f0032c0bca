"""``manage.py seed_demo``: a believable Linfen (临汾市) city to click through and report on.

The data follows the 《开发区建设》 pages in ``shared/seeds``: Linfen's 12 development zones
(9 industrial), its "三个一批" rounds, the industry chains, investors and headline projects
the pages name, and rates close to the published ones (开工率 ~85 %, 达效率 ~95 %+).

Two promises matter more than realism:

* Idempotent. Every row is found by its natural key (City.name, Zone.code, Activity (city, name),
  Project (zone, name), usernames, Enrollment (project, kind), Milestone (project, name),
  Problem (project, description), ProgressReport (project, month)) and only changed fields are
  written, so a second run changes nothing. Only a project still at ``signed`` with no
  TransitionLog row (i.e. one this run created) is moved through the stages.
* Honest stages. Stages are reached only through ``workflow.services.project_transition``, by a
  user whose role allows it, with dates in order and never in the future; the same path officers
  take, so the log, the version and the guards are exercised exactly as in production.

Everything random comes from ``random.Random(2024)``: the plan of every project is drawn before
the database is touched, one sub-seed per project, so the plan never depends on what is
already stored.
"""

from __future__ import annotations

import datetime
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone

from projects.access import Role
from projects.errors import Refusal
from projects.models import (
    Activity,
    City,
    Enrollment,
    Membership,
    Milestone,
    Problem,
    ProgressReport,
    Project,
    Stage,
    Zone,
)
from workflow.models import TransitionLog
from workflow.services import project_transition

SEED = 2024
PASSWORD = "demo12345"
CITY_NAME = "临汾市"
PROVINCE = "山西省"
LEADERS_PER_ZONE = 3
CENT = Decimal("0.01")

User = get_user_model()


# --------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZoneSpec:
    code: str
    name: str
    county: str
    category: str
    level: str
    chains: tuple[str, ...]
    projects: int


# The seeds name 临汾经济开发区, 侯马经济开发区, 尧都高新区 and 襄汾经开区 and say 9 of the 12
# zones are industrial; none of Linfen's zones is called national there ("省级转型发展示范区").
ZONES: tuple[ZoneSpec, ...] = (
    ZoneSpec("linfen-etdz", "临汾经济开发区", "尧都区", "industrial", "provincial",
             ("高端装备制造", "新能源", "光电新材料", "节能环保", "数字经济", "低空经济", "生物医药"), 45),
    ZoneSpec("houma-edz", "侯马经济开发区", "侯马市", "industrial", "provincial",
             ("新能源", "装备制造", "现代医药", "特色食品", "新材料"), 35),
    ZoneSpec("yaodu-htz", "尧都高新技术产业开发区", "尧都区", "industrial", "provincial",
             ("数字经济", "新材料", "现代医药", "电子信息"), 28),
    ZoneSpec("xiangfen-etdz", "襄汾经济技术开发区", "襄汾县", "industrial", "provincial",
             ("精密铸造", "新材料", "装备制造", "煤化工"), 28),
    ZoneSpec("hongdong-etdz", "洪洞经济技术开发区", "洪洞县", "industrial", "provincial",
             ("煤化工", "钢铁深加工", "新材料", "现代物流"), 28),
    ZoneSpec("quwo-etdz", "曲沃经济技术开发区", "曲沃县", "industrial", "provincial",
             ("精密铸造", "装备制造", "煤化工", "特色食品"), 24),
    ZoneSpec("yicheng-etdz", "翼城经济技术开发区", "翼城县", "industrial", "provincial",
             ("新材料", "精密铸造", "新能源"), 22),
    ZoneSpec("huozhou-etdz", "霍州经济技术开发区", "霍州市", "industrial", "provincial",
             ("煤化工", "新能源", "新材料"), 22),
    ZoneSpec("xiangning-etdz", "乡宁经济技术开发区", "乡宁县", "industrial", "provincial",
             ("煤化工", "新能源", "节能环保"), 20),
    ZoneSpec("xixian-agri", "隰县现代农业产业示范区", "隰县", "agricultural", "provincial",
             ("特色食品", "农产品深加工", "冷链物流"), 16),
    ZoneSpec("jixian-agri", "吉县现代农业产业示范区", "吉县", "agricultural", "provincial",
             ("农产品深加工", "特色食品", "冷链物流"), 16),
    ZoneSpec("yunqiushan-tourism", "乡宁云丘山文旅康养示范区", "乡宁县", "tourism", "provincial",
             ("文旅康养",), 16),
)  # fmt: skip

# Four rounds of 临汾市, all in the past; a project is presented at the first round after it
# entered a stage.
ROUNDS: tuple[tuple[str, datetime.date], ...] = (
    ("2024年第一次", datetime.date(2024, 4, 18)),
    ("2024年第二次", datetime.date(2024, 9, 26)),
    ("2025年第一次", datetime.date(2025, 4, 24)),
    ("2025年第二次", datetime.date(2025, 9, 25)),
)

# Headline projects the seeds name (money where the seeds give it: 47.03 亿, 20 亿).
HEADLINES: dict[str, tuple[tuple[str, str, str, str, Stage], ...]] = {
    "linfen-etdz": (
        ("中联恒创光电新能源产业园中园项目", "山西中联恒创光电科技有限公司", "新能源",
         "470300.00", Stage.AT_TARGET),
        ("紫光智能制造项目", "紫光智能制造（临汾）有限公司", "高端装备制造", "56800.00",
         Stage.AT_TARGET),
        ("宏源数智中心项目", "山西宏源数智科技有限公司", "数字经济", "32600.00", Stage.PRODUCING),
    ),
    "houma-edz": (
        ("山西国强交安产品生产线项目", "山西国强交安科技有限公司", "装备制造", "200000.00",
         Stage.PRODUCING),
        ("国强自动化光伏新能源生产基地项目", "山西国强自动化新能源科技有限公司", "新能源",
         "120000.00", Stage.AT_TARGET),
    ),
}  # fmt: skip

# Project names per chain: (template, values for {n}).
NAME_TEMPLATES: dict[str, tuple[tuple[str, tuple[Any, ...]], ...]] = {
    "高端装备制造": (
        ("年产{n}台（套）智能矿山装备项目", (500, 800, 1000, 2000)),
        ("年产{n}台风电齿轮箱项目", (300, 500, 1000)),
        ("工业机器人智能制造项目", ()),
        ("年产{n}万件新能源汽车零部件项目", (50, 100, 200)),
        ("高端数控机床生产基地项目", ()),
        ("年产{n}台（套）液压支架项目", (1000, 2000, 3000)),
    ),
    "装备制造": (
        ("年产{n}套交通安全设施项目", (5, 10, 20)),
        ("年产{n}台（套）煤机装备项目", (500, 1000, 1500)),
        ("农机装备智能制造项目", ()),
        ("年产{n}万件汽车零部件项目", (30, 60, 120)),
        ("环保设备制造基地项目", ()),
    ),
    "新能源": (
        ("{n}MW分布式光伏发电项目", (20, 50, 100)),
        ("光伏组件智能制造项目", ()),
        ("{n}MW/{m}MWh独立储能电站项目", (100, 200, 300)),
        ("年产{n}GW光伏组件项目", (1, 2, 5)),
        ("氢能综合利用示范项目", ()),
        ("年产{n}万套锂电池储能系统项目", (1, 2, 5)),
    ),
    "光电新材料": (
        ("年产{n}万平方米光学膜项目", (500, 1000, 2000)),
        ("蓝宝石衬底材料生产项目", ()),
        ("年产{n}吨高纯石英砂项目", (5000, 10000, 30000)),
        ("光电显示玻璃盖板项目", ()),
    ),
    "新材料": (
        ("年产{n}万吨锂电池负极材料项目", (1, 2, 5, 10)),
        ("年产{n}万吨磁敏感材料项目", (2, 4, 6)),
        ("年产{n}万吨高端耐火材料项目", (5, 10, 20)),
        ("年产{n}万立方米气凝胶保温材料项目", (1, 3, 5)),
        ("年产{n}万吨特种合金项目", (2, 5, 10)),
        ("年产{n}吨碳纤维复合材料项目", (500, 1000, 3000)),
    ),
    "煤化工": (
        ("年产{n}万吨煤焦油深加工项目", (10, 30, 50)),
        ("年产{n}万吨针状焦项目", (5, 10, 20)),
        ("焦炉煤气制LNG联产合成氨项目", ()),
        ("年产{n}万吨可降解材料PBAT项目", (6, 12, 20)),
        ("年产{n}万吨粗苯精制项目", (10, 20)),
        ("焦化化产回收升级改造项目", ()),
    ),
    "精密铸造": (
        ("年产{n}万吨高端铸件项目", (3, 5, 10, 20)),
        ("年产{n}万吨精密锻件项目", (2, 5, 10)),
        ("年产{n}万吨球墨铸铁管项目", (10, 20, 30)),
        ("铸造产业绿色化改造项目", ()),
    ),
    "钢铁深加工": (
        ("年产{n}万吨冷轧薄板项目", (30, 50, 100)),
        ("年产{n}万吨高强度建筑钢材项目", (50, 100)),
        ("年产{n}万吨不锈钢制品项目", (5, 10, 20)),
    ),
    "现代医药": (
        ("中药配方颗粒生产线项目", ()),
        ("年产{n}亿片固体制剂项目", (5, 10, 20)),
        ("年产{n}吨连翘精深加工项目", (500, 1000, 2000)),
        ("原料药绿色生产基地项目", ()),
    ),
    "生物医药": (
        ("生物医药产业园项目", ()),
        ("医疗器械生产基地项目", ()),
        ("年产{n}吨生物发酵制品项目", (1000, 5000)),
    ),
    "数字经济": (
        ("数智中心项目", ()),
        ("{n}P智算中心项目", (100, 200, 500)),
        ("微短剧拍摄制作基地项目", ()),
        ("工业互联网平台项目", ()),
    ),
    "电子信息": (
        ("智能显示触摸屏生产项目", ()),
        ("年产{n}万片电子元器件项目", (500, 1000, 3000)),
        ("PCBA电子板生产线项目", ()),
    ),
    "节能环保": (
        ("年产{n}万吨煤矸石新型材料项目", (50, 100)),
        ("固废资源综合利用项目", ()),
        ("余热余压发电项目", ()),
        ("危险废物集中处置中心项目", ()),
    ),
    "低空经济": (
        ("无人机研发制造基地项目", ()),
        ("通用航空产业园项目", ()),
    ),
    "特色食品": (
        ("年产{n}万吨玉露香梨精深加工项目", (1, 2, 5)),
        ("年产{n}万吨小米系列产品项目", (1, 3, 5)),
        ("中央厨房预制菜项目", ()),
        ("冷冻甜品生产线项目", ()),
        ("年产{n}万吨面制品项目", (2, 5, 10)),
        ("年产{n}万吨老陈醋扩产项目", (1, 2, 3)),
    ),
    "农产品深加工": (
        ("年产{n}万吨苹果浓缩汁项目", (1, 3, 5)),
        ("年产{n}万吨果蔬脆片项目", (0.5, 1, 2)),
        ("中药材初加工及仓储项目", ()),
        ("年产{n}万吨有机肥项目", (5, 10, 20)),
    ),
    "冷链物流": (
        ("智慧冷链物流园项目", ()),
        ("农产品冷链仓储中心项目", ()),
        ("果品分拣包装中心项目", ()),
    ),
    "现代物流": (
        ("公铁联运物流园项目", ()),
        ("大宗商品智慧物流港项目", ()),
    ),
    "文旅康养": (
        ("文旅康养综合体项目", ()),
        ("高端民宿集群项目", ()),
        ("景区智慧化提升项目", ()),
        ("研学旅游基地项目", ()),
        ("中医药康养中心项目", ()),
        ("房车露营基地项目", ()),
    ),
}

SUPPORT_TEMPLATES: dict[str, tuple[str, ...]] = {
    Project.Category.INFRASTRUCTURE: (
        "园区道路改造提升项目",
        "标准化厂房建设项目",
        "110千伏变电站项目",
        "雨污分流管网改造项目",
        "集中供热管网项目",
        "污水处理厂提标改造项目",
    ),
    Project.Category.LIVELIHOOD: (
        "人才公寓项目",
        "职工服务中心项目",
        "园区邻里中心项目",
        "游客服务中心项目",
    ),
}

# Investor names: brands seen in the seeds plus invented ones, suffixed by the chain's trade.
# The headline projects' own brands (中联恒创, 国强, 紫光, 宏源) are left out on purpose.
BRANDS = (
    "东睦", "海诺", "康硕", "福江", "金标", "知行", "晋丰", "众禾",
    "亲曜", "友洁", "同翔", "宝森", "博晟", "鼎轮", "同福", "太行", "雅美", "昌盛",
    "华晟", "晋泰", "鑫磊", "汾源", "尧鑫", "泓润", "金鼎", "恒昌", "瑞丰", "晋润",
    "嘉禾", "宏达", "天润", "平阳", "晋南", "鸿泰", "昊源", "中晋", "华阳", "正和",
)  # fmt: skip
# Total investment range per chain (万元): heavy chemistry and steel are big, food is small.
CHAIN_MONEY: dict[str, tuple[int, int]] = {
    "高端装备制造": (5000, 200000),
    "装备制造": (5000, 150000),
    "新能源": (8000, 400000),
    "光电新材料": (10000, 300000),
    "新材料": (5000, 300000),
    "煤化工": (20000, 500000),
    "精密铸造": (5000, 150000),
    "钢铁深加工": (30000, 500000),
    "现代医药": (5000, 100000),
    "生物医药": (5000, 120000),
    "数字经济": (3000, 150000),
    "电子信息": (5000, 100000),
    "节能环保": (5000, 100000),
    "低空经济": (5000, 80000),
    "特色食品": (3000, 60000),
    "农产品深加工": (3000, 50000),
    "冷链物流": (3000, 60000),
    "现代物流": (10000, 150000),
    "文旅康养": (3000, 120000),
    Project.Category.INFRASTRUCTURE: (3000, 60000),
    Project.Category.LIVELIHOOD: (3000, 30000),
}
CHAIN_TRADE = {
    "高端装备制造": ("智能装备", "装备制造", "重工"),
    "装备制造": ("装备制造", "机械", "科技"),
    "新能源": ("新能源科技", "光伏科技", "储能科技"),
    "光电新材料": ("光电科技", "光电材料"),
    "新材料": ("新材料科技", "新材料"),
    "煤化工": ("化工", "煤化工", "焦化"),
    "精密铸造": ("铸造", "精密铸造", "锻造"),
    "钢铁深加工": ("钢铁", "特钢", "金属制品"),
    "现代医药": ("药业", "制药"),
    "生物医药": ("生物医药", "生物科技"),
    "数字经济": ("数智科技", "数字科技", "文化传媒"),
    "电子信息": ("电子科技", "电子"),
    "节能环保": ("环保科技", "资源综合利用"),
    "低空经济": ("航空科技", "无人机科技"),
    "特色食品": ("食品", "农业科技"),
    "农产品深加工": ("农业开发", "果业", "农产品"),
    "冷链物流": ("冷链物流", "供应链管理"),
    "现代物流": ("物流", "供应链管理"),
    "文旅康养": ("文化旅游发展", "康养产业", "旅游开发"),
}

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董袁潘蒋蔡杜程苏魏吕丁任姚卢崔贾薛闫段侯郝武"
GIVEN_NAMES = (
    "建国", "志强", "晓东", "海燕", "卫东", "红梅", "国庆", "志华", "文博", "俊杰",
    "丽娟", "永刚", "建军", "晓峰", "宏伟", "艳红", "立新", "国栋", "鹏飞", "慧敏",
    "振华", "晋生", "瑞峰", "秀英", "少军", "利民", "继红", "海涛", "云飞", "静",
)  # fmt: skip

# The five demo logins: (username, role, where, first name). "zone" means 临汾经济开发区.
DEMO_LOGINS = (
    ("admin", None, None, "系统管理员"),
    ("officer", Role.OFFICER, "zone", "李晓峰"),
    ("zone_leader", Role.ZONE_LEADER, "zone", "张卫东"),
    ("supervisor", Role.SUPERVISOR, "city", "王慧敏"),
    ("viewer", Role.VIEWER, "city", "赵文博"),
)
DEMO_ZONE = "linfen-etdz"

START_NOTES = ("项目正式开工建设", "举行开工仪式，主体工程开工", "完成施工许可，进场施工")
PRODUCTION_NOTES = ("首条生产线建成投产", "项目竣工投产", "设备调试完成，试生产转正式生产")
TARGET_NOTES = ("达产达效，年产值达到目标", "满负荷生产，产值达到签约目标")
CONFIRMED_NOTE = "产值接近目标，经管委会核定确认达效"
TERMINATION_REASONS = (
    "投资方资金链断裂，无力继续投资，经协商终止项目",
    "企业战略调整，撤回投资意向",
    "项目选址不符合国土空间规划，无法落地",
    "环评未获批复，项目无法实施",
    "市场行情变化，投资方决定撤资",
    "投资方长期未履约，依约解除投资协议",
)

PROBLEM_TEXTS: dict[str, tuple[tuple[str, str], ...]] = {
    Problem.Category.LAND: (
        ("项目用地征收未完成，影响土地摘牌", "完成征收补偿，土地已摘牌"),
        ("地块内高压线迁改未完成", "供电公司完成迁杆，场地具备施工条件"),
        ("用地指标不足，需调整土地利用规划", "争取省级用地指标，规划调整获批"),
        ("批而未供土地处置进度慢", "按一地一策完成处置并供地"),
    ),
    Problem.Category.FUNDING: (
        ("项目融资不到位，银行授信未落实", "推介至合作银行，授信已落实"),
        ("设备购置补贴资金未拨付", "补贴资金已拨付到位"),
        ("专项债资金申报未获批", "调整申报材料，专项债资金已下达"),
    ),
    Problem.Category.APPROVAL: (
        ("环评批复办理滞后", "采取容缺受理，环评已批复"),
        ("施工许可证待办理", "全代办专班办结施工许可"),
        ("能评指标未落实", "能耗指标已协调落实"),
        ("消防验收未通过", "整改完成，消防验收通过"),
    ),
    Problem.Category.UTILITIES: (
        ("项目供水供气管网未接通", "管网接通，供水供气正常"),
        ("变电站未建成，用电负荷不足", "临时用电方案落实，变电站已送电"),
        ("天然气配额不足", "协调增加天然气配额"),
    ),
    Problem.Category.LABOUR: (
        ("技术工人短缺，招工困难", "人社部门组织专场招聘，用工缺口补齐"),
        ("施工高峰期劳务人员不足", "协调劳务公司增派人员"),
    ),
    Problem.Category.OTHER: (
        ("周边群众阻工，施工受影响", "属地政府协调化解，恢复施工"),
        ("施工进场道路未打通", "临时道路已修通"),
    ),
}
PROBLEM_OWNERS = {
    Problem.Category.LAND: ("开发区规划国土部", "{county}自然资源局", "临汾市自然资源局", "山西省自然资源厅"),
    Problem.Category.FUNDING: ("开发区财政金融部", "{county}财政局", "临汾市财政局", "山西省财政厅"),
    Problem.Category.APPROVAL: ("开发区行政审批服务中心", "{county}行政审批服务管理局",
                                "临汾市行政审批服务管理局", "山西省发展和改革委员会"),
    Problem.Category.UTILITIES: ("开发区规划建设部", "国网{county}供电公司", "国网临汾供电公司",
                                 "国网山西省电力公司"),
    Problem.Category.LABOUR: ("开发区企业服务部", "{county}人力资源和社会保障局",
                              "临汾市人力资源和社会保障局", "山西省人力资源和社会保障厅"),
    Problem.Category.OTHER: ("开发区管委会", "{county}人民政府", "临汾市商务局", "山西省商务厅"),
}  # fmt: skip
LEVELS = (Problem.Level.ZONE, Problem.Level.COUNTY, Problem.Level.CITY, Problem.Level.PROVINCE)

MILESTONE_NAMES = ("土地摘牌", "环评批复", "施工许可", "竣工")


# --------------------------------------------------------------------------------------------
# The plan: drawn from the seeded generator before anything is stored
# --------------------------------------------------------------------------------------------


@dataclass
class Step:
    name: str
    effective_on: datetime.date
    note: str
    confirmed: bool = False


@dataclass
class ProjectPlan:
    zone: ZoneSpec
    name: str
    seed: int
    values: dict[str, Any] = field(default_factory=dict)
    create_values: dict[str, Any] = field(default_factory=dict)
    leader_index: int = 0
    steps: list[Step] = field(default_factory=list)
    enrollments: dict[str, int] = field(default_factory=dict)
    stage_dates: dict[str, datetime.date] = field(default_factory=dict)

    @property
    def final_stage(self) -> Stage:
        return STAGE_AFTER[self.steps[-1].name] if self.steps else Stage.SIGNED


STAGE_AFTER = {
    "start": Stage.STARTED,
    "put_into_production": Stage.PRODUCING,
    "reach_target": Stage.AT_TARGET,
    "terminate": Stage.TERMINATED,
}


def plan_city(today: datetime.date) -> list[ProjectPlan]:
    """Every project of the demo city, in a fixed order from one seeded generator."""
    master = random.Random(SEED)
    plans: list[ProjectPlan] = []
    for zone in ZONES:
        used: set[str] = set()
        headlines = HEADLINES.get(zone.code, ())
        for index in range(zone.projects):
            seed = master.getrandbits(32)
            headline = headlines[index] if index < len(headlines) else None
            plans.append(_plan_project(zone, random.Random(seed), seed, used, headline, today))
    return plans


def _plan_project(
    zone: ZoneSpec,
    rng: random.Random,
    seed: int,
    used: set[str],
    headline: tuple[str, str, str, str, Stage] | None,
    today: datetime.date,
) -> ProjectPlan:
    category = _pick_category(zone, rng)
    if headline:
        name, investor, chain, total_text, final = headline
        total = Decimal(total_text)
        category = Project.Category.INDUSTRY
    else:
        chain = rng.choice(zone.chains)
        low, high = CHAIN_MONEY.get(chain if category == Project.Category.INDUSTRY else category)
        total, scale = _money(rng, low, high)
        name = _project_name(zone, chain, category, scale, rng, used)
        investor = _investor(zone, chain, category, rng)
        final = _pick_final_stage(rng)
    used.add(name)
    if category != Project.Category.INDUSTRY:
        chain = "园区配套" if zone.category != "tourism" else chain
    plan = ProjectPlan(
        zone=zone, name=name, seed=seed, leader_index=rng.randrange(LEADERS_PER_ZONE)
    )
    _plan_stages(plan, final, rng, today)
    plan.values = _descriptive_values(plan, investor, chain, category, total, rng)
    plan.create_values = _stage_facts(plan, rng, today)
    return plan


def _pick_category(zone: ZoneSpec, rng: random.Random) -> str:
    """Most projects are industry; tourism zones build more for people and infrastructure."""
    roll = rng.random()
    support = 0.35 if zone.category == "tourism" else 0.15
    if roll < support * 0.7:
        return Project.Category.INFRASTRUCTURE
    if roll < support:
        return Project.Category.LIVELIHOOD
    return Project.Category.INDUSTRY


def _pick_final_stage(rng: random.Random) -> Stage:
    """Close to Linfen's published rates: ~85 % started, ~45 % of those producing, most at target."""
    return rng.choices(
        (Stage.SIGNED, Stage.STARTED, Stage.PRODUCING, Stage.AT_TARGET, Stage.TERMINATED),
        weights=(15, 31, 20, 27, 7),
    )[0]


def _project_name(
    zone: ZoneSpec, chain: str, category: str, scale: float, rng: random.Random, used: set[str]
) -> str:
    """A realistic name, unique in the zone: a second project of the same kind is 二期, 三期 ...

    The capacity in the name grows with the money (``scale`` is where the investment sits in
    the chain's range), so a 40-亿 project is not a 1-万吨 one.
    """
    for _ in range(4):
        if category == Project.Category.INDUSTRY:
            template, values = rng.choice(NAME_TEMPLATES[chain])
            n = values[min(int(scale * len(values)), len(values) - 1)] if values else 0
            base = template.format(n=n, m=n * 2)
        else:
            base = rng.choice(SUPPORT_TEMPLATES[category])
            if zone.category == "tourism" and category == Project.Category.INFRASTRUCTURE:
                base = "景区" + base.removeprefix("园区")
        if base not in used:
            return base
    for phase in "二三四五六七八九十":
        candidate = base.removesuffix("项目") + f"（{phase}期）项目"
        if candidate not in used:
            return candidate
    raise CommandError(f"Too many projects named {base} in {zone.name}.")


def _investor(zone: ZoneSpec, chain: str, category: str, rng: random.Random) -> str:
    """Investors read like real company names; zone infrastructure is built by its operator."""
    place = zone.county.removesuffix("县").removesuffix("市").removesuffix("区")
    if category != Project.Category.INDUSTRY and zone.category != "tourism":
        return f"{place}开发区投资运营管理有限公司"
    brand = rng.choice(BRANDS)
    trade = rng.choice(CHAIN_TRADE[chain])
    pattern = rng.choice(("山西{b}{t}有限公司", "临汾{b}{t}有限公司", "{p}{b}{t}有限公司",
                          "{b}{t}（山西）有限公司", "山西{b}{t}股份有限公司"))  # fmt: skip
    return pattern.format(b=brand, t=trade, p=place)


def _money(rng: random.Random, low: int, high: int) -> tuple[Decimal, float]:
    """Log-uniform in the chain's range, so most projects are 1–10 亿 and few are very large.

    Also returns where in the range the amount fell (0–1), for the capacity in the name.
    """
    scale = rng.random()
    value = low * (high / low) ** scale
    return Decimal(f"{value:.2f}"), scale


def _days(rng: random.Random, low: int, high: int) -> datetime.timedelta:
    return datetime.timedelta(days=rng.randint(low, high))


def _not_after(
    candidate: datetime.date, floor: datetime.date, ceiling: datetime.date, rng: random.Random
) -> datetime.date:
    """Keep a drawn date inside [floor, ceiling]; a date past the ceiling is redrawn inside."""
    if candidate <= ceiling:
        return max(candidate, floor)
    span = max((ceiling - floor).days, 0)
    return floor + datetime.timedelta(days=rng.randint(0, span))


# Signed-batch round by the stage a project ends in: finished projects were signed earlier.
ROUND_WEIGHTS = {
    Stage.SIGNED: (2, 2, 3, 3),
    Stage.STARTED: (1, 2, 3, 4),
    Stage.PRODUCING: (4, 4, 3, 1),
    Stage.AT_TARGET: (6, 4, 2, 0),
    Stage.TERMINATED: (3, 3, 2, 2),
}


def _plan_stages(plan: ProjectPlan, final: Stage, rng: random.Random, today: datetime.date) -> None:
    """Dates of every stage reached, in order, none later than a few days before today."""
    ceiling = today - datetime.timedelta(days=3)
    signed_round = rng.choices(range(len(ROUNDS)), weights=ROUND_WEIGHTS[final])[0]
    signed_on = ROUNDS[signed_round][1] - _days(rng, 3, 120)
    plan.stage_dates["signed_on"] = signed_on
    plan.enrollments[Enrollment.Kind.SIGNED] = signed_round
    path = _path_to(final, rng)
    current = signed_on
    gaps = GAPS_TO_FINISHERS if final in (Stage.PRODUCING, Stage.AT_TARGET) else GAPS
    for name in path:
        if name == "terminate":
            current = _not_after(current + _days(rng, 60, 540), current, ceiling, rng)
            plan.steps.append(Step(name, current, rng.choice(TERMINATION_REASONS)))
            plan.stage_dates["terminated_on"] = current
            break
        low, high = gaps[name]
        current = _not_after(current + _days(rng, low, high), current, ceiling, rng)
        plan.steps.append(Step(name, current, _note_for(name, rng)))
        plan.stage_dates[STEP_DATE[name]] = current
    _plan_enrollments(plan, rng)


# Days between stages. Projects that went on to produce moved faster (that is why they got
# there); those stuck at started began later and are a mix of fresh and stalled.
GAPS = {"start": (40, 420), "put_into_production": (120, 480), "reach_target": (60, 360)}
GAPS_TO_FINISHERS = {
    "start": (20, 180),
    "put_into_production": (90, 360),
    "reach_target": (60, 360),
}

STEP_DATE = {
    "start": "started_on",
    "put_into_production": "producing_on",
    "reach_target": "at_target_on",
}


def _path_to(final: Stage, rng: random.Random) -> list[str]:
    """The transitions from signed to the final stage; terminations happen mostly before start."""
    forward = ["start", "put_into_production", "reach_target"]
    reach = {Stage.SIGNED: 0, Stage.STARTED: 1, Stage.PRODUCING: 2, Stage.AT_TARGET: 3}
    if final == Stage.TERMINATED:
        before = rng.choices((0, 1, 2), weights=(55, 35, 10))[0]
        return [*forward[:before], "terminate"]
    return forward[: reach[final]]


def _note_for(name: str, rng: random.Random) -> str:
    notes = {
        "start": START_NOTES,
        "put_into_production": PRODUCTION_NOTES,
        "reach_target": TARGET_NOTES,
    }
    return rng.choice(notes[name])


def _plan_enrollments(plan: ProjectPlan, rng: random.Random) -> None:
    """Presented at the first later round after entering a stage; started batch only often."""
    previous = plan.enrollments[Enrollment.Kind.SIGNED]
    started_on = plan.stage_dates.get("started_on")
    if started_on and rng.random() < 0.75:
        started_round = _round_after(started_on, previous)
        if started_round is not None:
            plan.enrollments[Enrollment.Kind.STARTED] = started_round
            previous = started_round
    producing_on = plan.stage_dates.get("producing_on")
    if producing_on:
        producing_round = _round_after(producing_on, previous)
        if producing_round is not None:
            plan.enrollments[Enrollment.Kind.PRODUCING] = producing_round


def _round_after(day: datetime.date, previous: int) -> int | None:
    for index, (_, held_on) in enumerate(ROUNDS):
        if index > previous and held_on >= day:
            return index
    return None


def _descriptive_values(
    plan: ProjectPlan, investor: str, chain: str, category: str, total: Decimal, rng: random.Random
) -> dict[str, Any]:
    """Fields an officer may edit any time; a re-run puts them back to the plan."""
    final = plan.final_stage
    funded_share = {
        Stage.SIGNED: (0.0, 0.15),
        Stage.STARTED: (0.15, 0.7),
        Stage.PRODUCING: (0.6, 0.95),
        Stage.AT_TARGET: (0.85, 1.0),
        Stage.TERMINATED: (0.0, 0.3),
    }[final]
    signed_on = plan.stage_dates["signed_on"]
    planned_start = signed_on + _days(rng, 20, 150)
    planned_production = planned_start + _days(rng, 180, 540)
    land = None
    if rng.random() > 0.15:
        per_mu = (
            rng.uniform(40, 200) if plan.zone.category != "industrial" else rng.uniform(150, 600)
        )
        land = max(Decimal("5"), (total / Decimal(f"{per_mu:.2f}")).quantize(CENT))
    return {
        "investor": investor,
        "industry_chain": chain,
        "tier": _tier(total, rng),
        "category": category,
        "total_investment": total,
        "funds_in_place": (total * Decimal(f"{rng.uniform(*funded_share):.4f}")).quantize(CENT),
        "land_area": land,
        "is_standard_land": rng.random() < 0.35,
        "is_commitment_based": rng.random() < 0.5,
        "is_fully_agented": rng.random() < 0.6,
        "planned_start_on": planned_start,
        "planned_production_on": planned_production,
        "planned_target_on": planned_production + _days(rng, 120, 365),
        "target_annual_output": (total * Decimal(f"{rng.uniform(0.8, 2.0):.3f}")).quantize(CENT),
    }


def _tier(total: Decimal, rng: random.Random) -> str:
    """Bigger projects sit higher: 国家级储备 and 省级重大 are mostly the 10-亿 ones."""
    if total >= 100000:
        weights = (35, 55, 10)
    elif total >= 30000:
        weights = (5, 45, 50)
    else:
        weights = (0, 15, 85)
    return rng.choices(
        (Project.Tier.NATIONAL, Project.Tier.PROVINCIAL, Project.Tier.COUNTY), weights=weights
    )[0]


def _stage_facts(plan: ProjectPlan, rng: random.Random, today: datetime.date) -> dict[str, Any]:
    """Facts tied to the stage dates; written only when the project is created."""
    facts: dict[str, Any] = {"signed_on": plan.stage_dates["signed_on"]}
    target = plan.values["target_annual_output"]
    started_on = plan.stage_dates.get("started_on")
    producing_on = plan.stage_dates.get("producing_on")
    final = plan.final_stage
    if started_on and rng.random() < 0.8:
        facts["in_statistics_on"] = min(started_on + _days(rng, 15, 120), today)
    if producing_on and rng.random() < (0.8 if final == Stage.AT_TARGET else 0.35):
        facts["above_scale_on"] = min(producing_on + _days(rng, 30, 300), today)
    if final == Stage.AT_TARGET:
        confirmed = rng.random() < 0.2
        share = rng.uniform(0.85, 0.99) if confirmed else rng.uniform(1.0, 1.3)
        facts["actual_annual_output"] = (target * Decimal(f"{share:.3f}")).quantize(CENT)
        if confirmed:
            plan.steps[-1].confirmed = True
            plan.steps[-1].note = CONFIRMED_NOTE
    elif producing_on and rng.random() < 0.6:
        share = rng.uniform(0.2, 0.9)
        facts["actual_annual_output"] = (target * Decimal(f"{share:.3f}")).quantize(CENT)
    return facts


# --------------------------------------------------------------------------------------------
# Children of a project: milestones, problems, monthly progress
# --------------------------------------------------------------------------------------------


def _milestones(plan: ProjectPlan, rng: random.Random, today: datetime.date) -> list[dict]:
    """The annual task list; for projects still at signed some are overdue, on purpose."""
    dates = plan.stage_dates
    signed_on, started_on = dates["signed_on"], dates.get("started_on")
    producing_on = dates.get("producing_on")
    stop = dates.get("terminated_on", today)
    planned_start = plan.values["planned_start_on"]
    rows = []
    for name in MILESTONE_NAMES:
        if name == "土地摘牌" and plan.values["land_area"] is None:
            continue
        if name == "竣工":
            planned = plan.values["planned_production_on"] - _days(rng, 15, 60)
            done = producing_on - _days(rng, 5, 30) if producing_on else None
            floor = started_on
        else:
            offset = {"土地摘牌": (15, 75), "环评批复": (20, 90)}.get(name)
            planned = (
                signed_on + _days(rng, *offset) if offset else planned_start - _days(rng, 5, 30)
            )
            done = started_on - _days(rng, 3, 40) if started_on else None
            if done is None and rng.random() < 0.4:
                done = planned + _days(rng, -10, 40)
            floor = signed_on
        planned = max(planned, signed_on)
        if done is not None:
            done = min(max(done, floor), stop, today)
        rows.append({"name": name, "planned_on": planned, "done_on": done, "note": ""})
    return rows


def _problems(plan: ProjectPlan, rng: random.Random, today: datetime.date) -> list[dict]:
    """Obstacles on the ledger: about a third of projects, some resolved, some overdue."""
    if rng.random() > 0.35:
        return []
    signed_on = plan.stage_dates["signed_on"]
    end = plan.stage_dates.get("terminated_on", today)
    categories = rng.sample(list(PROBLEM_TEXTS), k=rng.randint(1, 3))
    rows = []
    for category in categories:
        description, resolution = rng.choice(PROBLEM_TEXTS[category])
        level = rng.choices(LEVELS, weights=(40, 35, 20, 5))[0]
        owner = PROBLEM_OWNERS[category][LEVELS.index(level)].format(county=plan.zone.county)
        raised = signed_on + _days(rng, 5, max((end - signed_on).days, 5))
        raised = min(raised, today)
        resolved_on = None
        if rng.random() < (0.6 if (today - raised).days > 30 else 0.2):
            resolved_on = min(raised + _days(rng, 3, 90), today)
        rows.append(
            {
                "description": description,
                "category": category,
                "coordination_level": level,
                "owner": owner,
                "raised_on": raised,
                "deadline": raised + _days(rng, 10, 60),
                "status": Problem.Status.RESOLVED if resolved_on else Problem.Status.OPEN,
                "resolved_on": resolved_on,
                "resolution": resolution if resolved_on else "",
            }
        )
    return rows


def _first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, current = [], _first_of_month(first)
    while current <= last:
        months.append(current)
        current = (current + datetime.timedelta(days=32)).replace(day=1)
    return months


def _progress(plan: ProjectPlan, rng: random.Random, today: datetime.date) -> list[dict]:
    """Monthly reports over the (last 12 months of the) construction period."""
    dates = plan.stage_dates
    started_on = dates.get("started_on")
    if started_on is None:
        return []
    built = "producing_on" in dates
    end = dates.get("producing_on") or dates.get("terminated_on") or today
    months = _months(started_on, min(end, today))[-12:]
    reach = 1.0 if built else rng.uniform(0.45, 0.9)
    funds = plan.values["funds_in_place"]
    rows = []
    for index, month in enumerate(months):
        share = reach * (index + 1) / len(months)
        amount = funds * Decimal("0.9") / len(months) * Decimal(f"{rng.uniform(0.6, 1.4):.3f}")
        rows.append(
            {
                "month": month,
                "investment_completed": amount.quantize(CENT),
                "image_progress": _image_progress(share, plan.values["category"]),
            }
        )
    return rows


def _image_progress(share: float, category: str) -> str:
    """形象进度 as officers write it: the phase and how far along it is."""
    body = "主体厂房钢结构" if category == Project.Category.INDUSTRY else "主体结构"
    phases = (
        (0.15, "场地平整及三通一平完成{p}%"),
        (0.35, "基础工程完成{p}%"),
        (0.6, body + "完成{p}%"),
        (0.8, "主体完工，围护及屋面施工完成{p}%"),
        (0.97, "设备安装调试完成{p}%"),
    )
    lower = 0.0
    for upper, text in phases:
        if share <= upper:
            percent = round((share - lower) / (upper - lower) * 100 / 5) * 5
            return text.format(p=min(max(percent, 5), 95))
        lower = upper
    return "竣工验收完成，具备投产条件"


# --------------------------------------------------------------------------------------------
# Writing: find by natural key, write only what changed
# --------------------------------------------------------------------------------------------


def upsert(
    model: type[models.Model],
    lookup: dict[str, Any],
    values: dict[str, Any],
    *,
    create_values: dict[str, Any] | None = None,
    validate: bool = False,
) -> tuple[Any, bool]:
    """Create the row, or write only the fields that differ, so a re-run leaves rows untouched.

    ``create_values`` are set only on creation: dates that later transitions build on.
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values, **(create_values or {}))
        if validate:
            obj.full_clean()
        obj.save()
        return obj, True
    changed = []
    for name, value in values.items():
        model_field = model._meta.get_field(name)
        if model_field.is_relation:
            if getattr(obj, model_field.attname) != (value.pk if value else None):
                setattr(obj, name, value)
                changed.append(name)
        elif getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    if changed:
        if validate:
            obj.full_clean()
        auto_now = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
        obj.save(update_fields=changed + auto_now)
    return obj, False


@dataclass
class People:
    """The users the seeding acts as, by zone code."""

    officers: dict[str, Any] = field(default_factory=dict)
    zone_leaders: dict[str, Any] = field(default_factory=dict)
    leaders: dict[str, list] = field(default_factory=dict)


class Command(BaseCommand):
    help = "Seed demo data for 临汾市 (zones, rounds, ~300 projects, users); safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        today = timezone.localdate()
        self._password_hash: str | None = None
        plans = plan_city(today)
        try:
            with transaction.atomic():
                city, _ = upsert(City, {"name": CITY_NAME}, {"province": PROVINCE})
                zones = {spec.code: self._zone(city, spec) for spec in ZONES}
                activities = [
                    upsert(Activity, {"city": city, "name": name}, {"held_on": held_on})[0]
                    for name, held_on in ROUNDS
                ]
                people = self._people(city, zones)
        except ValidationError as error:
            # E.g. a zone of the same name under another code, created by hand.
            raise CommandError(f"Reference data conflicts with what is stored: {error}") from error
        created = moved = 0
        for plan in plans:
            try:
                with transaction.atomic():
                    was_created, was_moved = self._project(plan, zones, activities, people, today)
            except (Refusal, ValidationError) as error:
                raise CommandError(f"{plan.zone.name} · {plan.name}: {error}") from error
            created += was_created
            moved += was_moved
        self._report(created, moved, time.monotonic() - started)

    # -- reference data and people ----------------------------------------------------------

    def _zone(self, city: City, spec: ZoneSpec) -> Zone:
        values = {
            "name": spec.name,
            "city": city,
            "county": spec.county,
            "category": spec.category,
            "level": spec.level,
        }
        return upsert(Zone, {"code": spec.code}, values, validate=True)[0]

    def _people(self, city: City, zones: dict[str, Zone]) -> People:
        """Demo logins, then per zone an officer, a zone leader and three 包联领导."""
        people = People()
        rng = random.Random(SEED)
        for username, role, where, first_name in DEMO_LOGINS:
            user = self._user(username, first_name, superuser=role is None, check=True)
            if role is not None:
                zone = zones[DEMO_ZONE] if where == "zone" else None
                self._membership(user, role, zone=zone, city=None if zone else city)
            if username == "officer":
                people.officers[DEMO_ZONE] = user
            if username == "zone_leader":
                people.zone_leaders[DEMO_ZONE] = user
        for spec in ZONES:
            zone = zones[spec.code]
            # Draw both names even where the demo logins serve, so names never shift.
            officer_name, zone_leader_name = _chinese_name(rng), _chinese_name(rng)
            if spec.code != DEMO_ZONE:
                people.officers[spec.code] = self._zone_user(
                    f"officer-{spec.code}", officer_name, Role.OFFICER, zone
                )
                people.zone_leaders[spec.code] = self._zone_user(
                    f"zoneleader-{spec.code}", zone_leader_name, Role.ZONE_LEADER, zone
                )
            people.leaders[spec.code] = [
                self._zone_user(f"leader-{spec.code}-{n}", _chinese_name(rng), Role.VIEWER, zone)
                for n in range(1, LEADERS_PER_ZONE + 1)
            ]
        return people

    def _zone_user(self, username: str, first_name: str, role: str, zone: Zone):
        user = self._user(username, first_name)
        self._membership(user, role, zone=zone, city=None)
        return user

    def _user(
        self, username: str, first_name: str, *, superuser: bool = False, check: bool = False
    ):
        """Staff users with the demo password; demo logins get it back if it was changed."""
        values = {"first_name": first_name, "is_staff": True, "is_active": True}
        if superuser:
            values["is_superuser"] = True
        user, created = upsert(
            User,
            {"username": username},
            values,
            create_values={"password": self._hash(), "email": f"{username}@example.com"},
        )
        if not created and check and not user.check_password(PASSWORD):
            user.password = self._hash()
            user.save(update_fields=["password"])
        return user

    def _hash(self) -> str:
        """One slow hash per run, shared by the users created in it (it is a demo password)."""
        if self._password_hash is None:
            self._password_hash = make_password(PASSWORD)
        return self._password_hash

    def _membership(self, user, role: str, *, zone: Zone | None, city: City | None) -> None:
        values = {"role": role, "zone": zone, "city": city}
        membership, _ = upsert(Membership, {"user": user}, values, validate=True)
        user.membership = membership  # cache it: project_transition asks for it on every call

    # -- projects ---------------------------------------------------------------------------

    def _project(
        self,
        plan: ProjectPlan,
        zones: dict[str, Zone],
        activities: list[Activity],
        people: People,
        today: datetime.date,
    ) -> tuple[bool, bool]:
        zone = zones[plan.zone.code]
        values = {
            **plan.values,
            "leader": people.leaders[plan.zone.code][plan.leader_index],
            "officer": people.officers[plan.zone.code],
        }
        project, created = upsert(
            Project,
            {"zone": zone, "name": plan.name},
            values,
            create_values=plan.create_values,
            validate=True,
        )
        moved = False
        if (
            project.stage == Stage.SIGNED
            and not TransitionLog.objects.filter(project=project).exists()
        ):
            moved = self._move(project, plan, people)
        self._children(project, plan, activities, today)
        return created, moved

    def _move(self, project: Project, plan: ProjectPlan, people: People) -> bool:
        """Through the one service, as the zone's officer (a zone leader terminates)."""
        for step in plan.steps:
            by = (people.zone_leaders if step.name == "terminate" else people.officers)[
                plan.zone.code
            ]
            project_transition(
                project=project,
                name=step.name,
                by=by,
                effective_on=step.effective_on,
                note=step.note,
                confirmed=step.confirmed,
            )
        return bool(plan.steps)

    def _children(
        self, project: Project, plan: ProjectPlan, activities: list[Activity], today: datetime.date
    ) -> None:
        rng = random.Random(plan.seed + 1)
        for kind, round_index in plan.enrollments.items():
            upsert(
                Enrollment,
                {"project": project, "kind": kind},
                {"activity": activities[round_index]},
            )
        if rng.random() < 0.6:
            for row in _milestones(plan, rng, today):
                name = row.pop("name")
                upsert(Milestone, {"project": project, "name": name}, row)
        for row in _problems(plan, rng, today):
            description = row.pop("description")
            upsert(Problem, {"project": project, "description": description}, row, validate=True)
        self._progress(project, _progress(plan, rng, today))

    def _progress(self, project: Project, rows: list[dict]) -> None:
        """Monthly rows in two queries for the common case: many months, none stored yet."""
        existing = {report.month: report for report in project.progress_reports.all()}
        new = []
        for row in rows:
            report = existing.get(row["month"])
            if report is None:
                new.append(ProgressReport(project=project, **row))
                continue
            changed = [name for name, value in row.items() if getattr(report, name) != value]
            for name in changed:
                setattr(report, name, row[name])
            if changed:
                report.save(update_fields=changed)
        ProgressReport.objects.bulk_create(new)

    # -- summary ----------------------------------------------------------------------------

    def _report(self, created: int, moved: int, seconds: float) -> None:
        projects = Project.objects.filter(zone__city__name=CITY_NAME)
        counts = dict(
            projects.values_list("stage").annotate(n=Count("id")).values_list("stage", "n")
        )
        self.stdout.write(
            f"{CITY_NAME}: {Zone.objects.filter(city__name=CITY_NAME).count()} zones, "
            f"{Activity.objects.filter(city__name=CITY_NAME).count()} rounds, "
            f"{projects.count()} projects ({created} new, {moved} moved through the workflow)"
        )
        for stage in Stage:
            self.stdout.write(f"  {stage.value:<11} {counts.get(stage.value, 0):>4}  {stage.label}")
        self.stdout.write(
            f"  enrollments {Enrollment.objects.filter(project__in=projects).count()}, "
            f"transitions {TransitionLog.objects.filter(project__in=projects).count()}, "
            f"milestones {Milestone.objects.filter(project__in=projects).count()}, "
            f"problems {Problem.objects.filter(project__in=projects).count()}, "
            f"monthly reports {ProgressReport.objects.filter(project__in=projects).count()}"
        )
        self.stdout.write(f"Done in {seconds:.1f} s. Demo logins (password {PASSWORD}):")
        for username, role, where, _ in DEMO_LOGINS:
            scope = {"zone": ZONES[0].name, "city": CITY_NAME}.get(where or "", "全部")
            self.stdout.write(f"  {username:<12} {role or 'superuser':<12} {scope}")
        self.stdout.write(
            "  also officer-<zone code>, zoneleader-<zone code>, leader-<zone code>-1..3 per zone"
        )


def _chinese_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
