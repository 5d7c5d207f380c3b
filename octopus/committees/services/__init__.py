"""The write path of committees, by area: `from octopus.committees.services import documents`."""
