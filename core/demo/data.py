"""The demo city's fixed data: Hangzhou, its 13 districts and their towns and streets.

District codes are GB/T 2260; the town and street names are the real ones after the 2021
redistricting (about 190 in all). Town/street codes follow the statistical scheme — 0xx
streets, 1xx towns, 2xx townships — numbered in list order, so they are plausible rather
than the official ones.
"""

from __future__ import annotations

from dataclasses import dataclass

CITY_CODE = "330100"
CITY_NAME = "杭州市"
CITY_SHORT = "杭州"


@dataclass(frozen=True)
class District:
    """A district or county of the demo city with its towns and streets."""

    code: str
    name: str
    urban: bool
    streets: tuple[str, ...]
    towns: tuple[str, ...] = ()

    @property
    def party_prefix(self) -> str:
        """The name a party committee is named after: 杭州市西湖区, 桐庐县, 建德市."""
        return f"{CITY_NAME}{self.name}" if self.name.endswith("区") else self.name


def _names(text: str, suffix: str) -> tuple[str, ...]:
    return tuple(f"{name}{suffix}" for name in text.split())


def _towns(text: str) -> tuple[str, ...]:
    """Names given with their own suffix (镇, 乡, 畲族乡 …)."""
    return tuple(text.split())


DISTRICTS: tuple[District, ...] = (
    District(
        "330102",
        "上城区",
        True,
        _names("湖滨 清波 小营 望江 南星 紫阳 凯旋 采荷 闸弄口 四季青 笕桥 彭埠 九堡 丁兰", "街道"),
    ),
    District(
        "330105",
        "拱墅区",
        True,
        _names(
            "米市巷 湖墅 小河 和睦 拱宸桥 大关 上塘 祥符 康桥 半山 武林 天水 朝晖 潮鸣 长庆"
            " 石桥 东新 文晖",
            "街道",
        ),
    ),
    District(
        "330106",
        "西湖区",
        True,
        _names("北山 西溪 灵隐 翠苑 文新 古荡 西湖 留下 转塘 蒋村", "街道"),
        _towns("三墩镇 双浦镇"),
    ),
    District("330108", "滨江区", True, _names("西兴 长河 浦沿", "街道")),
    District(
        "330109",
        "萧山区",
        False,
        _names("城厢 北干 蜀山 新塘 靖江 南阳 闻堰 宁围 新街 盈丰", "街道"),
        _towns(
            "楼塔镇 河上镇 戴村镇 浦阳镇 进化镇 临浦镇 义桥镇 所前镇 衙前镇 瓜沥镇 益农镇 党湾镇"
        ),
    ),
    District(
        "330110",
        "余杭区",
        False,
        _names("五常 闲林 仓前 余杭 仁和 良渚 中泰", "街道"),
        _towns("瓶窑镇 径山镇 黄湖镇 鸬鸟镇 百丈镇"),
    ),
    District(
        "330111",
        "富阳区",
        False,
        _names("富春 春江 东洲 鹿山 银湖", "街道"),
        _towns(
            "万市镇 洞桥镇 胥口镇 新登镇 渌渚镇 永昌镇 里山镇 常绿镇 场口镇 常安镇 龙门镇"
            " 大源镇 灵桥镇 春建乡 新桐乡 上官乡 环山乡 湖源乡 渔山乡"
        ),
    ),
    District(
        "330112",
        "临安区",
        False,
        _names("锦城 锦北 玲珑 锦南 青山湖", "街道"),
        _towns(
            "太湖源镇 於潜镇 天目山镇 太阳镇 潜川镇 昌化镇 龙岗镇 河桥镇 湍口镇 清凉峰镇"
            " 岛石镇 板桥镇 高虹镇"
        ),
    ),
    District(
        "330113",
        "临平区",
        False,
        _names("临平 南苑 东湖 星桥 运河 乔司 崇贤", "街道"),
        _towns("塘栖镇"),
    ),
    District("330114", "钱塘区", False, _names("白杨 下沙 河庄 义蓬 新湾 临江 前进", "街道")),
    District(
        "330122",
        "桐庐县",
        False,
        _names("桐君 旧县 城南 凤川", "街道"),
        _towns("富春江镇 横村镇 分水镇 瑶琳镇 百江镇 江南镇 莪山畲族乡 钟山乡 新合乡 合村乡"),
    ),
    District(
        "330127",
        "淳安县",
        False,
        (),
        _towns(
            "千岛湖镇 文昌镇 石林镇 临岐镇 威坪镇 姜家镇 梓桐镇 汾口镇 中洲镇 大墅镇 枫树岭镇"
            " 里商乡 金峰乡 富文乡 左口乡 屏门乡 瑶山乡 王阜乡 宋村乡 鸠坑乡 浪川乡 界首乡"
            " 安阳乡"
        ),
    ),
    District(
        "330182",
        "建德市",
        False,
        _names("新安江 洋溪 更楼", "街道"),
        _towns(
            "莲花镇 乾潭镇 梅城镇 杨村桥镇 下涯镇 大洋镇 三都镇 寿昌镇 航头镇 大慈岩镇 大同镇"
            " 李家镇 钦堂乡"
        ),
    ),
)

# fmt: off
DEPARTMENTS: tuple[tuple[str, str], ...] = (
    # (key used by the demo and plugins, name); codes are 330100D001… in this order.
    ("GENERAL_OFFICE", "市委办公厅"), ("DISCIPLINE", "市纪委市监委"),
    ("ORG_DEPARTMENT", "市委组织部"), ("PROPAGANDA", "市委宣传部"),
    ("UNITED_FRONT", "市委统战部"), ("POLITICAL_LEGAL", "市委政法委"),
    ("SOCIAL_WORK", "市委社会工作部"), ("POLICY_RESEARCH", "市委政策研究室"),
    ("REFORM_OFFICE", "市委改革办"), ("CYBERSPACE", "市委网信办"),
    ("FOREIGN_AFFAIRS", "市委外办"), ("ESTABLISHMENT", "市委编办"),
    ("ORGANS_WORK_COMMITTEE", "市直机关工委"), ("VETERAN_CADRES", "市委老干部局"),
    ("PARTY_SCHOOL", "市委党校"), ("PARTY_HISTORY", "市委党史研究室"),
    ("INSPECTION_OFFICE", "市委巡察办"), ("TAIWAN_AFFAIRS", "市委台办"),
    ("FINANCE_COMMISSION", "市委金融办"), ("ARCHIVES", "市档案馆"),
    ("NPC_OFFICE", "市人大常委会办公厅"),
    ("CPPCC_OFFICE", "市政协办公厅"), ("GOVERNMENT_OFFICE", "市政府办公厅"),
    ("DEVELOPMENT_REFORM", "市发改委"), ("ECONOMY_IT", "市经信局"),
    ("EDUCATION", "市教育局"), ("SCIENCE_TECHNOLOGY", "市科技局"),
    ("ETHNIC_RELIGIOUS", "市民宗局"), ("PUBLIC_SECURITY", "市公安局"),
    ("CIVIL_AFFAIRS", "市民政局"), ("JUSTICE", "市司法局"),
    ("FINANCE", "市财政局"), ("HUMAN_RESOURCES", "市人力社保局"),
    ("PLANNING_RESOURCES", "市规划和自然资源局"), ("ECOLOGY_ENVIRONMENT", "市生态环境局"),
    ("CONSTRUCTION", "市建委"), ("HOUSING", "市住保房管局"),
    ("TRANSPORT", "市交通运输局"), ("FORESTRY_WATER", "市林水局"),
    ("AGRICULTURE", "市农业农村局"), ("COMMERCE", "市商务局"),
    ("CULTURE_TOURISM", "市文化广电旅游局"), ("HEALTH", "市卫生健康委"),
    ("VETERANS", "市退役军人局"), ("EMERGENCY", "市应急管理局"),
    ("AUDIT", "市审计局"), ("SASAC", "市国资委"),
    ("MARKET_REGULATION", "市市场监管局"), ("SPORTS", "市体育局"),
    ("STATISTICS", "市统计局"), ("MEDICAL_SECURITY", "市医保局"),
    ("URBAN_MANAGEMENT", "市城管局"), ("GARDENS_RELICS", "市园林文物局"),
    ("PETITIONS", "市信访局"), ("DATA_RESOURCES", "市数据资源局"),
    ("DEFENCE_MOBILISATION", "市国动办"), ("GOVERNMENT_AFFAIRS", "市机关事务局"),
    ("INVESTMENT_PROMOTION", "市投资促进局"), ("PORT_OFFICE", "市口岸办"),
    ("GRAIN_RESERVES", "市粮食物资局"), ("CANAL_CENTRE", "市运河综保中心"),
    ("WEST_LAKE", "西湖风景名胜区管委会"), ("XIXI_WETLAND", "西溪湿地管委会"),
    ("QIANJIANG_CBD", "钱江新城管委会"), ("CCPIT", "市贸促会"),
    ("LOCAL_CHRONICLES", "市地方志办"), ("SOCIAL_SCIENCES", "市社科院"),
    ("SUPPLY_MARKETING", "市供销社"), ("PUBLIC_RESOURCES", "市公共资源交易中心"),
    ("HOUSING_FUND", "杭州住房公积金管理中心"), ("CITIZEN_CENTRE", "市民中心管理服务中心"),
    ("TALENT_SERVICE", "市人才交流服务中心"), ("BUSINESS_ENVIRONMENT", "市营商环境建设局"),
    ("INTERMEDIATE_COURT", "市中级人民法院"), ("PROCURATORATE", "市人民检察院"),
    ("STATE_SECURITY", "市国家安全局"), ("FIRE_RESCUE", "市消防救援支队"),
    ("TRADE_UNION", "市总工会"), ("YOUTH_LEAGUE", "团市委"),
    ("WOMENS_FEDERATION", "市妇联"), ("SCIENCE_ASSOCIATION", "市科协"),
    ("LITERATURE_ART", "市文联"), ("SOCIAL_SCIENCE_FEDERATION", "市社科联"),
    ("RETURNED_OVERSEAS", "市侨联"), ("DISABLED_PERSONS", "市残联"),
    ("RED_CROSS", "市红十字会"), ("COMMERCE_FEDERATION", "市工商联"),
    ("WRITERS_ASSOCIATION", "市作协"),
    ("TAXATION", "市税务局"), ("CUSTOMS", "杭州海关"),
    ("METEOROLOGY", "市气象局"), ("TOBACCO", "市烟草专卖局"),
    ("POSTAL", "市邮政管理局"), ("SURVEY_TEAM", "国家统计局杭州调查队"),
    ("FINANCIAL_REGULATION", "杭州金融监管分局"), ("PEOPLES_BANK", "人民银行杭州市分行"),
    ("MEDIA_GROUP", "杭州文化广播电视集团"), ("DAILY_GROUP", "杭州日报报业集团"),
    ("ACADEMY_AGRICULTURE", "市农科院"), ("HIGH_TECH_ZONE", "杭州高新区管委会"),
    ("ECONOMIC_ZONE", "杭州经济技术开发区管委会"), ("AIRPORT_ZONE", "杭州临空经济示范区管委会"),
    ("ASIAN_GAMES_LEGACY", "市亚运遗产运营中心"), ("CITY_BRAIN", "市城市大脑运营指挥中心"),
    ("CREDIT_OFFICE", "市信用中心"), ("HEALTH_INSPECTION", "市卫生监督所"),
    ("EMERGENCY_CENTRE", "市急救中心"), ("CONSUMER_COUNCIL", "市消费者权益保护委员会"),
    ("LEGAL_AID", "市法律援助中心"), ("CHARITY_FEDERATION", "市慈善总会"),
    ("VOLUNTEERS", "市志愿者协会"),
)

# fmt: on

CITY_MEMBER_UNITS: tuple[str, ...] = (
    "GENERAL_OFFICE",
    "DISCIPLINE",
    "ORG_DEPARTMENT",
    "PROPAGANDA",
    "UNITED_FRONT",
    "POLITICAL_LEGAL",
    "SOCIAL_WORK",
    "ESTABLISHMENT",
    "ORGANS_WORK_COMMITTEE",
    "SASAC",
    "EDUCATION",
    "HEALTH",
    "CIVIL_AFFAIRS",
    "MARKET_REGULATION",
    "FINANCE",
    "HUMAN_RESOURCES",
)
"""The 16 member units of the city leading group (department keys)."""

SECTOR_LEADS: dict[str, str] = {
    "SOE": "SASAC",
    "EDUCATION": "EDUCATION",
    "HEALTH": "HEALTH",
    "SOCIAL_ORG": "CIVIL_AFFAIRS",
    "PRIVATE_ENTERPRISE": "MARKET_REGULATION",
}
"""Sector code → key of the city department that leads it (the principal lead)."""

SECTOR_LEAD_DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "SOE": ("SASAC", "DEVELOPMENT_REFORM"),
    "EDUCATION": ("EDUCATION",),
    "HEALTH": ("HEALTH",),
    "SOCIAL_ORG": ("CIVIL_AFFAIRS", "SOCIAL_WORK"),
    "PRIVATE_ENTERPRISE": ("MARKET_REGULATION", "SOCIAL_WORK", "COMMERCE_FEDERATION"),
}
"""Sector code → keys of every department that leads it, the principal one first:
市国资委 and 市发改委 (SOEs), 市委社会工作部 (the former 两新工委) with 市民政局, 市市场监管局
and 市工商联 for the two new sectors."""

SECTOR_LEAD_ACCOUNTS: dict[str, str] = {
    "EDUCATION": "education-lead",
    "HEALTH": "health-lead",
    "SOCIAL_ORG": "social_org-lead",
    "PRIVATE_ENTERPRISE": "private_enterprise-lead",
}
"""The demo account of each sector's principal lead department (`<plugin>-lead`; the SOE
one, `soe-lead`, keeps its sector-only scope as the contract describes it)."""


DISTRICT_DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("ORG_DEPARTMENT", "委组织部"),
    ("DISCIPLINE", "纪委监委"),
    ("PROPAGANDA", "委宣传部"),
    ("UNITED_FRONT", "委统战部"),
    ("SOCIAL_WORK", "委社会工作部"),
    ("ORGANS_WORK_COMMITTEE", "直属机关工委"),
    ("EDUCATION", "教育局"),
    ("HEALTH", "卫生健康局"),
    ("CIVIL_AFFAIRS", "民政局"),
    ("SASAC", "国资办"),
)
"""Departments of every district (key, name after the district's name); they are the
member units of the district's leading group, and the organisation department hosts its
office."""


def district_department_code(district_code: str, index: int) -> str:
    """The code of a district's index-th (0-based) department: 330106D01."""
    return f"{district_code}D{index + 1:02d}"


def department_code(index: int) -> str:
    """The code of the index-th (0-based) city department: 330100D001."""
    return f"{CITY_CODE}D{index + 1:03d}"


DEPARTMENT_CODES: dict[str, str] = {
    key: department_code(i) for i, (key, _name) in enumerate(DEPARTMENTS)
}
"""Department key → organisation code (e.g. "SASAC" → 330100D047)."""
