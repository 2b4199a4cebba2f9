"""Deterministic zh-CN names for the demo: people, villages, communities, schools, firms.

Every generator draws from a `random.Random` it is given, so one seed gives one city.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from core.orgs.credit_codes import org_code_check, uscc_check

# Common surnames in Zhejiang, most frequent first; weights fall off with rank.
SURNAMES: tuple[str, ...] = (
    *"陈王张李吴徐周金朱杨黄沈胡孙章俞楼应方叶郑钱何潘蒋汪林赵刘邵许姚袁施程冯毛",
    *"丁范傅鲁余宋韩戴陆顾高唐谢洪马郭江夏卢孔严倪裘虞柴童邱骆蔡曹石葛",
    "诸葛",
    "欧阳",
)
_SURNAME_WEIGHTS = tuple(1.0 / (rank + 4) for rank in range(len(SURNAMES)))
MALE_GIVEN = "伟强磊军勇杰涛斌浩鹏辉超明刚建国华峰晨宇航凯俊杰志平文斌海波锋振东立新永春亮"
FEMALE_GIVEN = "丽敏静燕芳娟婷霞红艳玲萍雪琳颖莉倩洁慧佳蓉晶瑶梅兰月秀英珍琴怡欣悦"
NEUTRAL_GIVEN = "晓一子天思嘉雨春秋安宁佳文明新益锦泽"

# Place-name syllables: first and second characters of village and community names.
_VILLAGE_FIRST = "东西南北上下前后新大小长高白青黄石金银马龙凤花桃梅竹松枫柳杨溪湖塘山岭桥"
_VILLAGE_SECOND = "山溪塘桥坞岭庄口头湾浦港坑田园林源坪岙埠墩畈家岸里滩"
_COMMUNITY_FIRST = "和翠文华丰阳光明春江景锦金城嘉绿湖滨钱望星桂兰荷柳紫瑞祥安宁康乐云"
_COMMUNITY_SECOND = "睦苑新园苑庭城府湾景苑岸里坊街院居都庭轩汇"
_BRAND_FIRST = "恒华中新鑫瑞达博汇宏泰嘉天海通凯正信诚远卓联创源盛万德永"
_BRAND_SECOND = "达鑫通源泰盛嘉丰联创科智远信诚华星升辉宇晟拓"

SCHOOL_KINDS = ("小学", "实验小学", "中学", "初级中学", "高级中学", "实验学校", "幼儿园")
HOSPITAL_KINDS = ("人民医院", "中医院", "妇幼保健院", "第二人民医院", "康复医院")
SOCIAL_TRADES = (
    "软件行业",
    "物流行业",
    "餐饮行业",
    "律师",
    "注册会计师",
    "建筑业",
    "电子商务",
    "丝绸行业",
    "茶叶行业",
    "旅游行业",
    "养老服务业",
    "家政服务业",
    "青年企业家",
    "女企业家",
    "个体劳动者",
    "私营企业",
    "民宿行业",
    "文化创意产业",
    "动漫游戏",
)
SOCIAL_KINDS = ("协会", "商会", "促进会", "研究会", "联合会")
SOCIAL_SERVICES = ("社会工作服务中心", "养老服务中心", "青少年服务中心", "公益服务中心")
INDUSTRIES = (
    "科技",
    "网络科技",
    "电子商务",
    "智能制造",
    "生物医药",
    "新材料",
    "纺织",
    "建设",
    "物流",
    "食品",
    "机械",
    "信息技术",
    "文化传媒",
    "电子",
    "环保科技",
    "实业",
)

CITY_SCHOOLS = (
    "杭州第二中学",
    "杭州高级中学",
    "杭州学军中学",
    "杭州第十四中学",
    "杭州外国语学校",
    "杭州市长河高级中学",
    "杭州第四中学",
    "杭州市西湖高级中学",
    "杭州市第九中学",
    "杭州市胜利小学",
    "杭州市天长小学",
    "杭州市崇文实验学校",
)
CITY_HOSPITALS = (
    "杭州市第一人民医院",
    "杭州市中医院",
    "杭州市第三人民医院",
    "杭州市儿童医院",
    "杭州市妇产科医院",
    "杭州市红十字会医院",
    "杭州市肿瘤医院",
    "杭州市第七人民医院",
    "杭州市西溪医院",
    "杭州市第九人民医院",
)

USCC_PUBLIC_INSTITUTION = "12"
USCC_SOCIAL_GROUP = "51"
USCC_PRIVATE_NON_ENTERPRISE = "52"
USCC_FOUNDATION = "53"
USCC_ENTERPRISE = "91"


class Namer:
    """Draws names and codes from one random generator; codes are unique per Namer."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._codes: set[str] = set()

    def person(self) -> tuple[str, str]:
        """A (name, gender) pair: surname plus a one- or two-character given name."""
        rng = self.rng
        surname = rng.choices(SURNAMES, _SURNAME_WEIGHTS)[0]
        gender = "MALE" if rng.random() < 0.58 else "FEMALE"
        pool = MALE_GIVEN if gender == "MALE" else FEMALE_GIVEN
        given = rng.choice(pool)
        if rng.random() < 0.75:
            given = rng.choice(pool + NEUTRAL_GIVEN) + given
        return surname + given, gender

    def unique(self, make: Callable[[], str], used: set[str]) -> str:
        """A name from `make` that is not in `used` yet (numbered after 40 tries); marks it used."""
        name = make()
        for _ in range(40):
            if name not in used:
                break
            name = make()
        return self.claim(name, used)

    @staticmethod
    def claim(name: str, used: set[str]) -> str:
        """The name, or the name numbered 2, 3, … when it is taken; marks it used."""
        candidate, n = name, 2
        while candidate in used:
            candidate, n = f"{name}{n}", n + 1
        used.add(candidate)
        return candidate

    def _pair(self, first: str, second: str) -> str:
        a = self.rng.choice(first)
        b = self.rng.choice(second)
        return a + b if a != b else a + self.rng.choice(second)

    def village(self) -> str:
        """A village name such as 塘头村."""
        return self._pair(_VILLAGE_FIRST, _VILLAGE_SECOND) + "村"

    def community(self) -> str:
        """A community name such as 翠苑社区."""
        return self._pair(_COMMUNITY_FIRST, _COMMUNITY_SECOND) + "社区"

    def place(self) -> str:
        """A two-character place word for schools and clinics."""
        return self._pair(_COMMUNITY_FIRST, _VILLAGE_SECOND)

    def brand(self) -> str:
        """A two-character firm brand such as 恒达."""
        return self._pair(_BRAND_FIRST, _BRAND_SECOND)

    def school(self, prefix: str) -> str:
        """A school name such as 西湖区翠岭小学."""
        return f"{prefix}{self.place()}{self.rng.choice(SCHOOL_KINDS)}"

    def social_org(self, prefix: str) -> tuple[str, str]:
        """(name, credit-code kind) of a trade association, service centre or foundation."""
        roll = self.rng.random()
        if roll < 0.55:
            kind = self.rng.choice(SOCIAL_KINDS)
            return f"{prefix}{self.rng.choice(SOCIAL_TRADES)}{kind}", USCC_SOCIAL_GROUP
        if roll < 0.92:
            service = self.rng.choice(SOCIAL_SERVICES)
            return f"{prefix}{self.place()}{service}", USCC_PRIVATE_NON_ENTERPRISE
        return f"{prefix}{self.place()}公益基金会", USCC_FOUNDATION

    def enterprise(self) -> str:
        """A private enterprise name such as 杭州恒达智能制造有限公司."""
        region = "浙江" if self.rng.random() < 0.2 else "杭州"
        form = "股份有限公司" if self.rng.random() < 0.15 else "有限公司"
        return f"{region}{self.brand()}{self.rng.choice(INDUSTRIES)}{form}"

    def uscc(self, kind: str, area: str) -> str:
        """A new unique 18-character unified social credit code of a kind and an area."""
        while True:
            body = "".join(self.rng.choice("0123456789") for _ in range(8))
            head = f"{kind}{area}{body}{org_code_check(body)}"
            code = head + uscc_check(head)
            if code not in self._codes:
                self._codes.add(code)
                return code
