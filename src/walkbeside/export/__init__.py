"""`walkbeside export`: the course as a static, offline, branded website (issue 12).

    from walkbeside.export import export_site, load_org
    export_site(Path("build/site"), org=load_org(Path("org.yml")), audience="learner")

- :mod:`.org` reads and checks org.yml (name, logo, colours with WCAG contrast, contact,
  crisis resources);
- :mod:`.markdown` turns notebook markdown into HTML with mistune;
- :mod:`.pages` lays out each page (templates in ``templates/``);
- :mod:`.site` builds every page and writes the folder.
"""

from .org import Org, load_org
from .site import AUDIENCES, ExportResult, build, export_site

__all__ = ["AUDIENCES", "ExportResult", "Org", "build", "export_site", "load_org"]
