from django.core.management.base import BaseCommand
from tqdm import tqdm

from octopus.committees.reference_data import load_guidance_notes, load_tcy_record
from octopus.countries.services import load_countries
from octopus.events.reference_data import load_conferences
from octopus.funding.reference_data import load_donors
from octopus.results.reference_data import load_logframes
from octopus.treaties import reference_data


class Command(BaseCommand):
    help = (
        "Load or refresh the reference data: countries, treaties, articles, official counts, treaty actions and the "
        "seed logframe, the Octopus conferences, the T-CY Guidance Notes and the donors the sources name (without "
        "amounts: no source gives them)."
    )

    def handle(self, *args, **options):
        created, updated = load_countries()
        self.stdout.write(f"Countries: {created} added, {updated} updated.")
        treaties = reference_data.load_treaties()
        articles = reference_data.load_articles(treaties)
        counts = reference_data.load_official_counts(treaties)
        self.stdout.write(f"Treaties: {len(treaties)}; articles: {articles}; official counts: {counts}.")
        planned = reference_data.plan_treaty_actions()
        with tqdm(total=len(planned), desc="Treaty actions", unit="action", file=self.stderr, leave=False) as bar:
            outcome = reference_data.load_treaty_actions(treaties, planned, progress=bar.update)
        self.stdout.write(
            "Treaty actions: {added} added, {changed} changed, {unchanged} unchanged, {kept} kept (recorded by "
            "staff or an import).".format(**outcome)
        )
        added = load_logframes()
        summary = "{programmes} programmes, {nodes} boxes, {indicators} indicators, {targets} targets".format(**added)
        self.stdout.write(f"Logframes added: {summary}.")
        conferences = load_conferences()
        self.stdout.write(
            "Octopus conferences: {added} added, {updated} updated, {unchanged} unchanged.".format(**conferences)
        )
        for gap in conferences["gaps"]:
            self.stdout.write(
                f"  Gap: Octopus conference {gap.year} is named in a source but its dates are not; not loaded as an "
                f"event ({gap.source})."
            )
        tcy = load_tcy_record()
        self.stdout.write(
            "T-CY plenaries: {added} added, {updated} updated, {unchanged} unchanged, {assigned} assigned to the "
            "programme.".format(**tcy["plenaries"])
        )
        for gap in tcy["plenaries"]["gaps"]:
            self.stdout.write(
                f"  Gap: T-CY plenary {gap.number} is named in a source but its dates are not; not loaded."
            )
        self.stdout.write("T-CY assessment reports: {added} added, {updated} updated.".format(**tcy["reports"]))
        notes = load_guidance_notes()
        self.stdout.write("T-CY Guidance Notes: {added} added, {updated} updated.".format(**notes))
        donors = load_donors()
        self.stdout.write(
            "Donors: {added} added, {updated} updated (no amounts: no source gives any).".format(**donors)
        )
