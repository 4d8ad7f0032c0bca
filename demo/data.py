"""The demo city's tables: Linfen (临汾市) as the 《开发区建设》 pages in ``shared/seeds`` tell it.

Its 12 development zones (9 industrial), its "三个一批" rounds, the industry chains, investors and
headline projects the pages name, name templates, money ranges, notes, problems and the weights
that put the rates close to the published ones (开工率 ~85 %, 达效率 ~95 %+). Constants only:
``demo.planner`` draws from them, ``demo.writer`` stores what it drew.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from projects.models import Problem, Project
from projects.roles import Role
from projects.stages import Stage, Transition

SEED = 2024
PASSWORD = "demo12345"
CITY_NAME = "临汾市"
PROVINCE = "山西省"
LEADERS_PER_ZONE = 3


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

# Signed-batch round by the stage a project ends in: finished projects were signed earlier.
ROUND_WEIGHTS = {
    Stage.SIGNED: (2, 2, 3, 3),
    Stage.STARTED: (1, 2, 3, 4),
    Stage.PRODUCING: (4, 4, 3, 1),
    Stage.AT_TARGET: (6, 4, 2, 0),
    Stage.TERMINATED: (3, 3, 2, 2),
}

# Days between stages. Projects that went on to produce moved faster (that is why they got
# there); those stuck at started began later and are a mix of fresh and stalled.
GAPS = {
    Transition.START: (40, 420),
    Transition.PUT_INTO_PRODUCTION: (120, 480),
    Transition.REACH_TARGET: (60, 360),
}
GAPS_TO_FINISHERS = {
    Transition.START: (20, 180),
    Transition.PUT_INTO_PRODUCTION: (90, 360),
    Transition.REACH_TARGET: (60, 360),
}
