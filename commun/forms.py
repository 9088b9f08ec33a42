"""Helpers for the HTML forms of every app."""

from django.contrib import messages


def flash_errors(request, form):
    """Show a form's errors as French messages on the page the user is sent back to."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label} : {error}" if label else error)
