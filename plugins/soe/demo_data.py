"""The SOE demo's seed data: the 20 municipal groups and where their subsidiaries sit."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

DISTRICTS: tuple[tuple[str, str], ...] = (
    ("330102", "上城"), ("330105", "拱墅"), ("330106", "西湖"), ("330108", "滨江"),
    ("330109", "萧山"), ("330110", "余杭"), ("330111", "富阳"), ("330112", "临安"),
    ("330113", "临平"), ("330114", "钱塘"), ("330122", "桐庐"), ("330127", "淳安"),
    ("330182", "建德"),
)  # fmt: skip
COMMON_UNITS = ("资产管理", "物业服务", "人力资源服务", "供应链管理", "数字科技", "工程咨询")
FILL_RATE = 0.88  # share of required seats that are filled; the rest are vacancies
# 国有股权划转充实社保基金: some groups hold 90% after transferring 10% to the fund
GROUP_STATE_SHARES = (Decimal("100.00"),) * 4 + (Decimal("90.00"),)
SUBSIDIARY_STATE_SHARES = (Decimal("100.00"),) * 5 + tuple(
    Decimal(v) for v in ("51.00", "60.00", "65.00", "70.00", "80.00")
)


@dataclass(frozen=True)
class GroupSeed:
    """A municipal SOE group of the demo city."""

    name: str
    short: str
    industry: str
    capital_yi: int  # registered capital, in units of 100 million yuan
    employees: int
    units: tuple[str, ...] = field(default=())


# fmt: off
GROUPS: tuple[GroupSeed, ...] = (
    GroupSeed("杭州市城市建设投资集团有限公司", "杭州城投", "城市基础设施和公用事业", 300, 18000,
              ("建设发展", "置业", "城建设计研究院", "商业运营", "工程检测", "新能源")),
    GroupSeed("杭州市交通投资集团有限公司", "杭州交投", "交通基础设施投资和运营", 100, 12000,
              ("高速公路", "港航", "公路建设", "智慧交通科技", "物流", "服务区经营")),
    GroupSeed("杭州市国有资本投资运营有限公司", "杭州资本", "国有资本投资运营", 100, 3000,
              ("产业投资", "创业投资", "股权投资管理", "资产经营", "科创基金管理")),
    GroupSeed("杭州市商贸旅游集团有限公司", "杭州商旅", "商贸流通和文化旅游", 50, 15000,
              ("旅游", "酒店管理", "百货", "农副产品物流", "粮油", "会展", "餐饮")),
    GroupSeed("杭州市水务集团有限公司", "杭州水务", "供水和污水处理", 60, 6000,
              ("供水", "排水", "水务工程", "水表科技", "水质检测", "二次供水")),
    GroupSeed("杭州市地铁集团有限责任公司", "杭州地铁", "城市轨道交通建设和运营", 200, 16000,
              ("运营", "建设", "物业发展", "商业经营", "轨道科技", "设计研究院")),
    GroupSeed("杭州市实业投资集团有限公司", "杭实集团", "实业投资和先进制造", 30, 8000,
              ("先进制造", "热电", "科技发展", "新材料", "国际贸易")),
    GroupSeed("杭州市金融投资集团有限公司", "杭州金投", "金融服务和投资", 100, 2500,
              ("融资担保", "融资租赁", "产业基金管理", "财务", "小额贷款")),
    GroupSeed("杭州市运河综合保护开发建设集团有限责任公司", "运河集团", "运河保护开发和文化旅游",
              20, 1500, ("文化旅游", "置业", "资产经营", "建设管理")),
    GroupSeed("杭州市钱江新城投资集团有限公司", "钱江新城", "城市新区开发建设", 50, 1200,
              ("建设管理", "置业", "资产经营", "城市运营")),
    GroupSeed("杭州市环境集团有限公司", "杭州环境", "环境卫生和固废处理", 20, 4000,
              ("固废处置", "再生资源", "环保科技", "环境工程")),
    GroupSeed("杭州市能源集团有限公司", "杭州能源", "能源供应和综合能源服务", 50, 5000,
              ("燃气", "热力", "新能源", "综合能源服务", "售电")),
    GroupSeed("杭州市安居集团有限公司", "杭州安居", "保障性住房建设和运营", 50, 1000,
              ("保障房建设", "租赁住房运营", "置业")),
    GroupSeed("杭州市公共交通集团有限公司", "杭州公交", "城市公共交通", 30, 14000,
              ("公交运营", "客运", "水上巴士", "汽车服务", "交通广告")),
    GroupSeed("杭州市数据集团有限公司", "杭州数据", "数据资源开发和数字基础设施", 10, 600,
              ("数据运营", "城市大脑科技", "算力科技", "数据安全")),
    GroupSeed("杭州市种业集团有限公司", "杭州种业", "种业和现代农业", 5, 500,
              ("种苗", "农业科技", "农产品", "生态农业")),
    GroupSeed("杭州市体育发展集团有限公司", "杭州体育", "体育场馆运营和体育产业", 10, 1200,
              ("场馆运营", "体育赛事", "体育文化", "健身服务")),
    GroupSeed("杭州市粮食收储集团有限公司", "杭州粮储", "粮食收储和应急保障", 10, 800,
              ("粮食储备", "粮油贸易", "冷链物流", "粮食科技")),
    GroupSeed("杭州市文化投资发展集团有限公司", "杭州文投", "文化产业投资", 20, 1500,
              ("文化创意", "影视", "出版发行", "文化地产")),
    GroupSeed("杭州市会展集团有限公司", "杭州会展", "会议展览服务", 20, 1200,
              ("会议服务", "展览", "酒店管理", "商业运营")),
)
# fmt: on


def governance(code: str, employees: int) -> dict[str, Any]:
    """党建进章程 and 双向进入、交叉任职 of a company: most groups and larger subsidiaries have
    both; from a generator of their own, so the rest of the demo stays as it was."""
    rng = random.Random(f"soe-governance/{code}")
    committee = 7 if employees >= 1000 else 5 if employees >= 200 else 3
    cross = min(committee, max(0, round(committee * rng.uniform(0.3, 1.0))))
    return {
        "charter_party_building": rng.random() < (0.92 if employees >= 200 else 0.7),
        "committee_members": committee,
        "cross_appointed": cross,
        "secretary_is_chairman": employees >= 200 and rng.random() < 0.8,
    }
