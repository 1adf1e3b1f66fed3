"""Admin: read access to the workbench's records for administrators. Changes go through the
workbench pages (services, audit); the question bank is loaded from its versioned file."""

from __future__ import annotations

from django.contrib import admin

from motcua.reform.models import (
    Assessment,
    Assignment,
    HourlyValue,
    Observation,
    Proposal,
    Question,
    QuestionBank,
    ReviewPlan,
    Suggestion,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["position", "code", "dimension", "component", "per", "text"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(QuestionBank)
class QuestionBankAdmin(ReadOnlyAdmin):
    list_display = ["version", "title", "is_current", "loaded_at"]
    inlines = [QuestionInline]


@admin.register(HourlyValue)
class HourlyValueAdmin(ReadOnlyAdmin):
    list_display = ["year", "value_vnd", "source", "source_date", "is_default", "created_by"]


@admin.register(ReviewPlan)
class ReviewPlanAdmin(ReadOnlyAdmin):
    list_display = ["year", "title", "owner", "decision_no", "created_at"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["plan", "procedure", "agency", "team", "due_date", "status"]
    list_filter = ["team", "status"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["plan", "version", "status", "started_by", "submitted_at"]


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = ["procedure", "activity", "hours", "money_vnd", "observed_on", "observer"]
    list_filter = ["activity"]


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["procedure", "action", "authority", "status", "legal_doc_no"]
    list_filter = ["status", "authority"]


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdmin):
    list_display = ["procedure", "status", "created_at", "moderated_by"]
    list_filter = ["status"]
