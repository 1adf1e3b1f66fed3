"""Forms of the organiser and delegate pages (validation only; writes go through services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.meetings.models import Delegate, Document, Meeting

CLASSIFICATION_CHOICES = [
    *Document.Classification.choices,
    ("mat", _("Secret (Mật) — not allowed")),
    ("toi_mat", _("Top secret (Tối mật) — not allowed")),
    ("tuyet_mat", _("Absolutely secret (Tuyệt mật) — not allowed")),
]


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.ChoiceField(label=_("Kind of meeting"), choices=Meeting.Body.choices)
    agency = forms.ModelChoiceField(label=_("Organising agency"), queryset=None, empty_label=None)
    place = forms.CharField(label=_("Place"), max_length=300)
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    access_hours_after_end = forms.IntegerField(
        label=_("Documents stay readable for (hours after the end)"), min_value=0, max_value=720, initial=24
    )
    is_urgent = forms.BooleanField(label=_("Urgent meeting (no 3-working-day notice)"), required=False)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        from motcua.org.models import Agency

        self.fields["agency"].queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies])

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        return data


class MeetingEditForm(MeetingForm):
    """The same fields without the kind and the agency, which fix the quorum and the organisers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["body"]
        del self.fields["agency"]


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=300)
    has_paper_secret_documents = forms.BooleanField(
        label=_("This item has state-secret documents handed out on paper"), required=False
    )


class DelegateForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    group = forms.ChoiceField(label=_("Group"), choices=Delegate.Group.choices)
    substitute_for = forms.ModelChoiceField(
        label=_("Attends in place of (substitute)"), queryset=Delegate.objects.none(), required=False
    )

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meeting is not None:
            self.fields["substitute_for"].queryset = meeting.delegates.filter(
                group=Delegate.Group.MEMBER, substitute_for__isnull=True
            )


class DocumentForm(forms.Form):
    agenda_item = forms.ModelChoiceField(label=_("Agenda item"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("Document title"), max_length=300)
    classification = forms.ChoiceField(label=_("Classification"), choices=CLASSIFICATION_CHOICES)
    groups = forms.MultipleChoiceField(
        label=_("Groups who may read it"),
        choices=Delegate.Group.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for an internal document every delegate may read."),
    )
    named = forms.ModelMultipleChoiceField(
        label=_("Named delegates"),
        queryset=Delegate.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    file = forms.FileField(
        label=_("PDF file"), widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"})
    )

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()
        self.fields["named"].queryset = meeting.delegates.all()


class VersionForm(forms.Form):
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)
    file = forms.FileField(
        label=_("New PDF file"), widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"})
    )


class PollForm(forms.Form):
    agenda_item = forms.ModelChoiceField(label=_("Agenda item"), queryset=None, empty_label=None)
    question = forms.CharField(label=_("Question put to the vote"), max_length=300)
    secret = forms.BooleanField(label=_("Secret ballot"), required=False)

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()


class PaperForm(forms.Form):
    agenda_item = forms.ModelChoiceField(label=_("Agenda item"), queryset=None, empty_label=None)
    delegate = forms.ModelChoiceField(label=_("Delegate"), queryset=None, empty_label=None)
    description = forms.CharField(label=_("Document (number, title)"), max_length=300)

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.filter(has_paper_secret_documents=True)
        self.fields["delegate"].queryset = meeting.delegates.all()


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Access code on your slip"),
        max_length=20,
        help_text=_("8 letters and digits, for example ABCD-EFGH."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class StaffCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code on the delegate's slip"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class HelperForm(StaffCodeForm):
    consent = forms.BooleanField(
        label=_("The delegate is with me and asked me to help"),
        error_messages={"required": _("Help only a delegate who is with you and agrees.")},
    )


class ConclusionForm(forms.Form):
    text = forms.CharField(label=_("Conclusion notice"), widget=forms.Textarea(attrs={"rows": 14}))
