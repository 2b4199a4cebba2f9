"""SOE sector plugin (work in progress)."""

from pathlib import Path

from core import hookimpl
from core.specs import PluginInfo
from plugins.soe import models as models

HERE = Path(__file__).resolve().parent


@hookimpl
def dutygraph_plugin_info() -> PluginInfo:
    return PluginInfo(name="soe", title="国有企业党建", version="0.1.0", sector_code="SOE")


@hookimpl
def dutygraph_migrations() -> Path:
    return HERE / "migrations" / "versions"
