"""The SOE plugin's assessment inputs, read from `soe_profile` (answered only while the
plugin is enabled): 党建进章程, 双向进入、交叉任职 and 书记、董事长“一肩挑”."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.plugin_admin.models import PluginState
from core.specs import AssessmentInput
from plugins.sector_kit.inputs import profile_inputs
from plugins.soe.catalogue import PLUGIN_NAME
from plugins.soe.models import SoeProfile
from plugins.soe.schema import PROFILE


async def cross_appointment_rate(
    session: AsyncSession, year: int, org_ids: Sequence[int]
) -> dict[int, float]:
    """Committee members on the board or management ÷ committee members (0–1); a company
    whose profile counts no committee member has no value (the item is not scored)."""
    del year  # a profile holds the current facts
    on = await session.scalar(select(PluginState.enabled).where(PluginState.name == PLUGIN_NAME))
    if not on or not org_ids:
        return {}
    rows = await session.execute(
        select(
            SoeProfile.organization_id, SoeProfile.cross_appointed, SoeProfile.committee_members
        ).where(SoeProfile.organization_id.in_(list(org_ids)), SoeProfile.committee_members > 0)
    )
    return {org_id: min(1.0, cross / members) for org_id, cross, members in rows}


INPUTS: tuple[AssessmentInput, ...] = (
    *profile_inputs(
        PROFILE,
        [
            ("charter_party_building", "党建工作要求写入公司章程（1 是 0 否）", "flag"),
            ("secretary_is_chairman", "党委书记、董事长“一肩挑”（1 是 0 否）", "flag"),
            ("committee_members", "党委班子成员数", "count"),
            ("cross_appointed", "党委班子成员进入董事会、经理层人数", "count"),
        ],
    ),
    AssessmentInput(
        f"{PLUGIN_NAME}.cross_appointment_rate",
        "党委班子成员双向进入、交叉任职比例",
        "rate",
        cross_appointment_rate,
    ),
)
