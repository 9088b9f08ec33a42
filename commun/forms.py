"""Helpers for the HTML forms of every app."""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.utils import timezone


def flash_errors(request, form):
    """Show a form's errors as French messages on the page the user is sent back to."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label} : {error}" if label else error)


class PeriodeForm(forms.Form):
    """`?depuis=AAAA-MM-JJ&jusqua=AAAA-MM-JJ`: a period of whole local days, for dashboards
    and reviews. `period()` is [first second of `depuis`, first second after `jusqua`)."""

    MAX_DAYS = 366 * 6
    ERRORS = {"invalid": "Date illisible : format attendu AAAA-MM-JJ.", "required": "Indiquez cette date."}

    depuis = forms.DateField(label="Du", input_formats=["%Y-%m-%d"], error_messages=ERRORS)
    jusqua = forms.DateField(label="au", input_formats=["%Y-%m-%d"], error_messages=ERRORS)

    def clean(self):
        data = super().clean()
        start, end = data.get("depuis"), data.get("jusqua")
        if start and end:
            if end < start:
                self.add_error("jusqua", "La fin de la période précède son début.")
            elif (end - start).days > self.MAX_DAYS:
                self.add_error("jusqua", "Période trop longue : six ans au plus.")
            elif not 2000 <= start.year <= 2100 or not 2000 <= end.year <= 2100:
                self.add_error("depuis", "Période hors des années 2000 à 2100.")
        return data

    def period(self):
        tz = timezone.get_current_timezone()
        start = datetime.combine(self.cleaned_data["depuis"], time.min, tzinfo=tz)
        end = datetime.combine(self.cleaned_data["jusqua"] + timedelta(days=1), time.min, tzinfo=tz)
        return start, end

    @classmethod
    def for_period(cls, since, until):
        """The form filled with a period's days (to show the default period in the page)."""
        form = cls({"depuis": timezone.localdate(since).isoformat(),
                    "jusqua": timezone.localdate(until - timedelta(microseconds=1)).isoformat()})
        form.is_valid()
        return form
