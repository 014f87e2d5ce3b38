"""Shared pieces of the browser tests: viewports and the accessibility check."""

from axe_playwright_python.sync_playwright import Axe

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


class AxeChecker:
    """Runs axe-core on each page and collects serious or critical violations."""

    def __init__(self):
        self.axe = Axe()
        self.checked: list[str] = []
        self.problems: list[str] = []

    def check(self, page) -> None:
        results = self.axe.run(page)
        self.checked.append(page.url)
        for violation in results.response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"]][:3]
                self.problems.append(
                    f"{page.url}: {violation['id']} ({violation['impact']}) {targets}"
                )
