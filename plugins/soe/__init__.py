"""SOE sector plugin (国有企业党建): hook implementations only.

Brings the SOE group and subsidiary categories with their positions and staffing
frameworks, the `soe_profile` table (alembic branch "soe"), `Organization.soeProfile`
and `soeGroups`, the five-part responsibility list, and the demo city's municipal SOEs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from core import hookimpl
from core.graphql.errors import ErrorCode, ServiceError
from core.libraries.reader import LibraryError
from core.specs import (
    AssessmentInput,
    CategorySpec,
    DemoContext,
    FrameworkSpec,
    PluginInfo,
    PositionSpec,
)
from plugins.sector_kit.activity import Level, load_activity
from plugins.sector_kit.profiles import mutation_field
from plugins.soe import catalogue, demo, inputs, liaison, library
from plugins.soe import models as models  # registers the plugin's tables in the metadata
from plugins.soe.schema import PROFILE, SoeOrganizationFields, SoeQuery

VERSION = "0.1.0"
# The lead department's business code is decided by the core demo; the core sets the
# sector's lead department (市国资委) itself, so the plugin names none.
LEAD_DEPARTMENT_CODE: str | None = None
MIGRATIONS = Path(__file__).resolve().parent / "migrations" / "versions"
DATA = Path(__file__).resolve().parent / "data"
UPDATE_PROFILE = mutation_field(PROFILE)  # updateSoeProfile
LEVELS = {  # the demo's DJBB values: studies and staff by kind, cross appointment as profiled
    "soe_pre_studies": Level(
        ranges={catalogue.SOE_GROUP: (5, 12), catalogue.SOE_SUBSIDIARY: (1.5, 5)}
    ),
    "soe_cross_appointment": Level(source=lambda row: float(row.cross_appointed > 0)),
    "soe_party_workers_pct": Level(ranges={catalogue.SOE_GROUP: (0.6, 1.5)}),
}
JOINS = (
    DATA / "2_soe_indicators.yaml",
    DATA / "3_soe_assessment.yaml",
    DATA / "4_soe_procedure.yaml",
    DATA / "5_soe_checklist.yaml",
)


@hookimpl
def dutygraph_plugin_info() -> PluginInfo:
    return PluginInfo(
        name=catalogue.PLUGIN_NAME,
        title="国有企业党建",
        version=VERSION,
        sector_code=catalogue.SECTOR_CODE,
        sector_name="国有企业",
        sector_name_en="State-owned enterprises",
        lead_department_code=LEAD_DEPARTMENT_CODE,
    )


@hookimpl
def dutygraph_org_categories() -> Sequence[CategorySpec]:
    return catalogue.CATEGORIES


@hookimpl
def dutygraph_positions() -> Sequence[PositionSpec]:
    return catalogue.POSITIONS


@hookimpl
def dutygraph_staffing_frameworks() -> Sequence[FrameworkSpec]:
    return catalogue.FRAMEWORKS


@hookimpl
def dutygraph_type_extensions() -> Mapping[str, Sequence[type]]:
    return {"Organization": [SoeOrganizationFields]}


@hookimpl
def dutygraph_query_fields() -> Sequence[type]:
    return [SoeQuery]


@hookimpl
def dutygraph_mutation_fields() -> Sequence[type]:
    return [UPDATE_PROFILE]


@hookimpl
def dutygraph_libraries() -> Sequence[Path]:
    """The five-part list, then the indicators joining DJBB and the items joining DJKH-2026
    (those two wait until their form and scheme are loaded), its operating procedure and
    inspection checklist."""
    return [library.LIBRARY_PATH, *JOINS]


@hookimpl
def dutygraph_migrations() -> Path:
    return MIGRATIONS


@hookimpl
def dutygraph_assessment_inputs() -> Sequence[AssessmentInput]:
    """`soe.charter_party_building`, `soe.cross_appointment_rate`, … from the profiles."""
    return inputs.INPUTS


@hookimpl
async def dutygraph_on_enable(session: AsyncSession, actor: str | None) -> None:
    """Refuse to enable with a broken duty library; load the liaison duties (their tasks go
    to every leader-to-company link); every record is left as it is."""
    try:
        library.soe_duties()
        await liaison.enable(session=session, actor=actor)
    except (library.LibraryError, LibraryError, OSError) as exc:
        raise ServiceError(ErrorCode.INVALID, f"国有企业党建清单无法加载: {exc}", "name") from exc


@hookimpl
async def dutygraph_on_disable(session: AsyncSession, actor: str | None) -> None:
    """Nothing to do: disabling hides the SOE data and keeps every record."""
    del session, actor


@hookimpl
async def dutygraph_load_demo(context: DemoContext) -> None:
    await demo.load_demo(context)


@hookimpl
async def dutygraph_load_demo_activity(context: DemoContext) -> None:
    """Runs of the SOE procedures and the SOEs' DJBB sheets, once the plugin is enabled."""
    await load_activity(
        context,
        plugin=catalogue.PLUGIN_NAME,
        sector_code=catalogue.SECTOR_CODE,
        profile=models.SoeProfile,
        levels=LEVELS,
    )
