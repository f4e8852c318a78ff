"""Every failure a client can cause, as a typed exception carrying Baserow's wire code.

    GridbaseError (code, status, detail)         -> {"error": code, "detail": detail}
    ├── ValidationError family (400)             body / query / filters validation
    ├── AuthError family (401/403)               {"detail", "error"}: detail first, as DRF
    ├── PlainError family                        DRF-native bodies without "error"
    └── one class per Baserow code               ERROR_TABLE_DOES_NOT_EXIST, ...

`api.handlers` renders them in one place. Imports: nothing from gridbase.
"""

from __future__ import annotations

from typing import Any, ClassVar


class GridbaseError(Exception):
    code: ClassVar[str] = "ERROR"
    status: ClassVar[int] = 400
    default_detail: ClassVar[Any] = ""

    def __init__(self, detail: Any = None, headers: dict[str, str] | None = None) -> None:
        self.detail = self.default_detail if detail is None else detail
        self.headers = headers or {}
        super().__init__(self.detail)

    def body(self) -> Any:
        return {"error": self.code, "detail": self.detail}


class PlainError(GridbaseError):
    """A DRF-native error: `{"detail": ...}` with no `error` key."""

    def body(self) -> Any:
        return {"detail": self.detail}


class AuthError(GridbaseError):
    """Authentication failures: DRF renders `detail` before `error`."""

    status = 401
    www_authenticate: ClassVar[bool] = True

    def body(self) -> Any:
        return {"detail": self.detail, "error": self.code}


def field_error(message: str, code: str = "invalid") -> list[dict[str, str]]:
    """One DRF error leaf list: [{"error": message, "code": code}]."""
    return [{"error": message, "code": code}]


# --- validation -------------------------------------------------------------------------


class RequestBodyValidation(GridbaseError):
    code = "ERROR_REQUEST_BODY_VALIDATION"


class QueryParameterValidation(GridbaseError):
    code = "ERROR_QUERY_PARAMETER_VALIDATION"


class FiltersParamValidation(GridbaseError):
    code = "ERROR_FILTERS_PARAM_VALIDATION_ERROR"


class ParseError(PlainError):
    status = 400


class PageNotFound(PlainError):
    status = 404
    default_detail = "Invalid page."


class MethodNotAllowed(PlainError):
    status = 405


class UnsupportedMediaType(PlainError):
    status = 415


class Throttled(PlainError):
    status = 429


class RequestBodyTooLarge(GridbaseError):
    code = "ERROR_REQUEST_BODY_TOO_LARGE"
    status = 413


class UrlNotFound(GridbaseError):
    code = "URL_NOT_FOUND"
    status = 404


class UrlTrailingSlashMissing(GridbaseError):
    code = "URL_TRAILING_SLASH_MISSING"
    status = 404


class HttpsRequired(GridbaseError):
    code = "ERROR_HTTPS_REQUIRED"
    status = 403
    default_detail = "Database tokens may only be used over HTTPS."


# --- authentication ---------------------------------------------------------------------


class NotAuthenticated(PlainError):
    status = 401
    default_detail = "Authentication credentials were not provided."


class InvalidAuthHeader(PlainError):
    status = 401
    default_detail = "Authorization header must contain two space-delimited values"


class InvalidAccessToken(AuthError):
    code = "ERROR_INVALID_ACCESS_TOKEN"
    default_detail = "Access token is expired or invalid."


class DeactivatedUser(AuthError):
    code = "ERROR_DEACTIVATED_USER"
    default_detail = "User account has been disabled."


class InvalidCredentials(AuthError):
    code = "ERROR_INVALID_CREDENTIALS"
    default_detail = "No active account found with the given credentials."

    def body(self) -> Any:  # mapped error: error first
        return {"error": self.code, "detail": self.detail}


class InvalidRefreshToken(InvalidCredentials):
    code = "ERROR_INVALID_REFRESH_TOKEN"
    default_detail = "Refresh token is expired or invalid."


class NotStaff(PlainError):
    """DRF's IsAdminUser refusal (the full health check)."""

    status = 403
    default_detail = "You do not have permission to perform this action."


class InvalidOldPassword(GridbaseError):
    code = "ERROR_INVALID_OLD_PASSWORD"


class ResetPasswordDisabled(GridbaseError):
    """Password resets are turned off (GRIDBASE_ALLOW_RESET_PASSWORD=false); Baserow maps it
    with its bare code, so the detail is empty."""

    code = "ERROR_DISABLED_RESET_PASSWORD"
    default_detail = ""


class SettingsFromEnvironment(GridbaseError):
    """A staff user's PATCH /api/settings/update/: gridbase's instance settings are read from
    its environment, never changed through the API (a gridbase code)."""

    code = "ERROR_SETTINGS_FROM_ENVIRONMENT"
    default_detail = (
        "The instance settings of gridbase come from its environment (GRIDBASE_*): change "
        "them there and restart the server."
    )


class BadTokenSignature(GridbaseError):
    """A signed token (password reset, invitation) that is not ours, or used already."""

    code = "BAD_TOKEN_SIGNATURE"


class ExpiredTokenSignature(GridbaseError):
    code = "EXPIRED_TOKEN_SIGNATURE"


class UserNotFound(GridbaseError):
    code = "ERROR_USER_NOT_FOUND"


class UserIsLastAdmin(GridbaseError):
    """The instance's last staff user may not schedule their own deletion."""

    code = "ERROR_USER_IS_LAST_ADMIN"


class HostnameNotAllowed(GridbaseError):
    code = "ERROR_HOSTNAME_IS_NOT_ALLOWED"
    default_detail = "Only the hostname of the web frontend is allowed."


class RefreshTokenAlreadyBlacklisted(GridbaseError):
    code = "ERROR_REFRESH_TOKEN_ALREADY_BLACKLISTED"
    default_detail = "The provided refresh token is already blacklisted."


class InvalidTokenHeader(AuthError):
    code = "ERROR_INVALID_TOKEN_HEADER"


class TokenDoesNotExistAuth(AuthError):
    code = "ERROR_TOKEN_DOES_NOT_EXIST"
    default_detail = "The provided token does not exist."


class TokenGroupMismatch(AuthError):
    code = "ERROR_TOKEN_GROUP_MISMATCH"
    default_detail = "The token's user does not belong to the group anymore."


class TokenUserNotActive(AuthError):
    code = "ERROR_USER_NOT_ACTIVE"
    default_detail = "The user related to the token is disabled."


class TokenExpired(AuthError):
    code = "ERROR_TOKEN_EXPIRED"
    default_detail = "The provided token has expired."


class NoPermissionToTable(GridbaseError):
    code = "ERROR_NO_PERMISSION_TO_TABLE"
    status = 401
    default_detail = "The token does not have permissions to the table."


class PermissionDenied(GridbaseError):
    code = "PERMISSION_DENIED"
    status = 401
    default_detail = "You don't have the required permission to execute this operation."


# --- users, workspaces, applications ----------------------------------------------------


class EmailAlreadyExists(GridbaseError):
    code = "ERROR_EMAIL_ALREADY_EXISTS"


class DisabledSignup(GridbaseError):
    code = "ERROR_DISABLED_SIGNUP"
    default_detail = "Sign up is disabled."


class UserNotInWorkspace(GridbaseError):
    code = "ERROR_USER_NOT_IN_GROUP"


class UserInvalidWorkspacePermissions(GridbaseError):
    """The caller is a member, but their role may not do `operation` (Baserow's name)."""

    code = "ERROR_USER_INVALID_GROUP_PERMISSIONS"

    def __init__(self, operation: str) -> None:
        super().__init__(f"You need {operation} permissions.")


class WorkspaceUserDoesNotExist(GridbaseError):
    code = "ERROR_GROUP_USER_DOES_NOT_EXIST"
    status = 404
    default_detail = "The requested group user does not exist."


class WorkspaceUserAlreadyExists(GridbaseError):
    code = "ERROR_GROUP_USER_ALREADY_EXISTS"
    default_detail = "The user is already a member of the group."


class WorkspaceUserIsLastAdmin(GridbaseError):
    code = "ERROR_GROUP_USER_IS_LAST_ADMIN"
    default_detail = (
        "The related user is the last admin in the group. They must delete the group or "
        "give someone else admin permissions."
    )


class CannotDeleteYourselfFromWorkspace(GridbaseError):
    code = "ERROR_CANNOT_DELETE_YOURSELF_FROM_GROUP"
    default_detail = (
        "You cannot delete yourself from the group. Use the leave group endpoint for that."
    )


class WorkspaceInvitationDoesNotExist(GridbaseError):
    code = "ERROR_GROUP_INVITATION_DOES_NOT_EXIST"
    status = 404
    default_detail = "The requested group invitation does not exist."


class WorkspaceInvitationEmailMismatch(GridbaseError):
    code = "ERROR_GROUP_INVITATION_EMAIL_MISMATCH"
    default_detail = "Your email address does not match with the invitation."


class InvalidSortDirection(GridbaseError):
    code = "ERROR_INVALID_SORT_DIRECTION"
    default_detail = "Attributes to sort by must be prefixed with one of '-' or '+'."


class InvalidSortAttribute(GridbaseError):
    code = "ERROR_INVALID_SORT_ATTRIBUTE"
    default_detail = "Invalid attribute name provided to sort by."


class WorkspaceDoesNotExist(GridbaseError):
    code = "ERROR_GROUP_DOES_NOT_EXIST"
    status = 404
    default_detail = "The requested group does not exist."  # Baserow's wording, still "group"


class ApplicationDoesNotExist(GridbaseError):
    code = "ERROR_APPLICATION_DOES_NOT_EXIST"
    status = 404
    default_detail = "The requested application does not exist."


class ApplicationNotInWorkspace(GridbaseError):
    code = "ERROR_APPLICATION_NOT_IN_GROUP"

    def __init__(self, application_id: int | None) -> None:
        super().__init__(f"The application id {application_id} does not belong to the group.")


class ApplicationTypeDoesNotExist(GridbaseError):
    code = "ERROR_APPLICATION_TYPE_DOES_NOT_EXIST"

    def __init__(self, type_name: Any) -> None:
        # Python's str() of what was sent, as Baserow formats it (null reads "None")
        super().__init__(f"The application type {type_name} does not exist.")


# --- tables -----------------------------------------------------------------------------


class TableDoesNotExist(GridbaseError):
    code = "ERROR_TABLE_DOES_NOT_EXIST"
    status = 404
    default_detail = "The requested table does not exist."


class TableNotInDatabase(GridbaseError):
    code = "ERROR_TABLE_NOT_IN_DATABASE"

    def __init__(self, table_id: int) -> None:
        super().__init__(f"The table id {table_id} does not belong to the database.")


class InvalidInitialTableData(GridbaseError):
    code = "ERROR_INVALID_INITIAL_TABLE_DATA"
    default_detail = "The provided table data must at least contain one row and one column."


class InitialTableDataDuplicateName(GridbaseError):
    code = "ERROR_INITIAL_TABLE_DATA_HAS_DUPLICATE_NAMES"
    default_detail = (
        "Field names must be unique in Baserow per table however the initial table data "
        "provided contains duplicate field names, please make them unique and try again."
    )


# --- fields -----------------------------------------------------------------------------


class FieldDoesNotExist(GridbaseError):
    code = "ERROR_FIELD_DOES_NOT_EXIST"
    status = 404
    default_detail = "The requested field does not exist."


class FieldWithSameNameExists(GridbaseError):
    code = "ERROR_FIELD_WITH_SAME_NAME_ALREADY_EXISTS"
    default_detail = (
        "You cannot have two fields with the same name in the same table, please choose a "
        "unique name for each field."
    )


class ReservedFieldName(GridbaseError):
    code = "ERROR_RESERVED_BASEROW_FIELD_NAME"
    default_detail = (
        "The field names id,order are reserved and cannot and cannot be used for a user "
        "created field, please choose different field name."
    )


class InvalidFieldName(GridbaseError):
    code = "ERROR_INVALID_BASEROW_FIELD_NAME"
    default_detail = "Fields must not be blank or only consist of whitespace."


class MaxFieldNameLengthExceeded(GridbaseError):
    code = "ERROR_MAX_FIELD_NAME_LENGTH_EXCEEDED"
    default_detail = "You cannot set a field name longer than 255 characters."


class MaxFieldCountExceeded(GridbaseError):
    code = "ERROR_MAX_FIELD_COUNT_EXCEEDED"


class CannotDeletePrimaryField(GridbaseError):
    code = "ERROR_CANNOT_DELETE_PRIMARY_FIELD"


class CannotChangeFieldType(GridbaseError):
    code = "ERROR_CANNOT_CHANGE_FIELD_TYPE"


class IncompatiblePrimaryFieldType(GridbaseError):
    code = "ERROR_INCOMPATIBLE_PRIMARY_FIELD_TYPE"


class LinkRowTableNotProvided(GridbaseError):
    code = "ERROR_LINK_ROW_TABLE_NOT_PROVIDED"


class LinkRowTableNotInSameDatabase(GridbaseError):
    code = "ERROR_LINK_ROW_TABLE_NOT_IN_SAME_DATABASE"


class FormulaError(GridbaseError):
    code = "ERROR_WITH_FORMULA"


class InvalidPasswordFieldPassword(GridbaseError):
    code = "ERROR_INVALID_PASSWORD_FIELD_PASSWORD"
    status = 401
    default_detail = "The provided password in incorrect."  # sic: Baserow's words


class FieldSelfReference(GridbaseError):
    code = "ERROR_FIELD_SELF_REFERENCE"
    default_detail = "Fields cannot reference themselves."


class FieldCircularReference(GridbaseError):
    code = "ERROR_FIELD_CIRCULAR_REFERENCE"
    default_detail = (
        "Fields cannot reference each other resulting in a circular chain of references."
    )


# --- rows -------------------------------------------------------------------------------


class RowDoesNotExist(GridbaseError):
    code = "ERROR_ROW_DOES_NOT_EXIST"
    status = 404

    def __init__(self, row_ids: list[int] | list[str]) -> None:
        # texts where Baserow names the id as the URL gave it ("The rows ['5'] ...")
        super().__init__(f"The rows {sorted(row_ids)} do not exist.")


class RowModified(GridbaseError):
    """If-Match (or a batch's `if_match` map) named a version the row no longer has."""

    code = "ERROR_ROW_MODIFIED"
    status = 412

    def __init__(self, row_ids: list[int]) -> None:
        super().__init__(
            f"The rows {sorted(row_ids)} were modified since the given versions (ETags)."
        )


class IdempotencyKeyInvalid(GridbaseError):
    code = "ERROR_INVALID_IDEMPOTENCY_KEY"
    status = 400
    default_detail = "The Idempotency-Key header must be between 1 and 255 characters long."


class IdempotencyKeyReused(GridbaseError):
    code = "ERROR_IDEMPOTENCY_KEY_REUSED"
    status = 422
    default_detail = (
        "This Idempotency-Key was already used for a different request (method, path or body)."
    )


class IdempotencyKeyInProgress(GridbaseError):
    code = "ERROR_IDEMPOTENCY_KEY_IN_PROGRESS"
    status = 409
    default_detail = "A request with this Idempotency-Key is still being processed; retry later."


class RowIdsNotUnique(GridbaseError):
    code = "ERROR_ROW_IDS_NOT_UNIQUE"

    def __init__(self, row_ids: list[int]) -> None:
        super().__init__(f"The provided row ids {row_ids} are not unique.")


class PageSizeLimit(GridbaseError):
    code = "ERROR_PAGE_SIZE_LIMIT"

    def __init__(self, limit: int) -> None:
        super().__init__(f"The page size is limited to {limit}.")


class OrderByFieldNotFound(GridbaseError):
    code = "ERROR_ORDER_BY_FIELD_NOT_FOUND"

    def __init__(self, name: str) -> None:
        super().__init__(f"The field {name} was not found in the table.")


class OrderByFieldNotPossible(GridbaseError):
    code = "ERROR_ORDER_BY_FIELD_NOT_POSSIBLE"


class CannotIncludeRowMetadata(GridbaseError):
    code = "ERROR_CANNOT_INCLUDE_ROW_METADATA"
    default_detail = "The token cannot include row metadata."


class InvalidJoinParameter(GridbaseError):
    code = "ERROR_INVALID_JOIN_PARAMETER"
    default_detail = "The provided __join query parameter wasn't used correctly."


class IncompatibleFieldType(GridbaseError):
    code = "ERROR_INCOMPATIBLE_FIELD_TYPE"
    default_detail = "The field type is not compatible with the action."


# --- filters and views ------------------------------------------------------------------


class FilterFieldNotFound(GridbaseError):
    code = "ERROR_FILTER_FIELD_NOT_FOUND"

    def __init__(self, name: object) -> None:
        super().__init__(f"The field {name} was not found in the table.")


class ViewFilterTypeDoesNotExist(GridbaseError):
    code = "ERROR_VIEW_FILTER_TYPE_DOES_NOT_EXIST"

    def __init__(self, name: str) -> None:
        super().__init__(f"The view filter type {name} doesn't exist.")


class ViewFilterTypeUnsupportedField(GridbaseError):
    code = "ERROR_VIEW_FILTER_TYPE_UNSUPPORTED_FIELD"

    def __init__(self, filter_type: str, field_type: str) -> None:
        super().__init__(
            f"The filter {filter_type} is not compatible with field type {field_type}."
        )


class ViewDoesNotExist(GridbaseError):
    code = "ERROR_VIEW_DOES_NOT_EXIST"
    status = 404
    default_detail = "The requested view does not exist."


# --- tokens -----------------------------------------------------------------------------


class McpEndpointDoesNotExist(GridbaseError):
    code = "ERROR_MCP_ENDPOINT_DOES_NOT_EXIST"
    status = 404
    default_detail = "The requested MCP endpoint does not exist."


class TokenDoesNotExist(GridbaseError):
    code = "ERROR_TOKEN_DOES_NOT_EXIST"
    status = 404
    default_detail = "The token does not exist."


class DatabaseDoesNotBelongToWorkspace(GridbaseError):
    code = "ERROR_DATABASE_DOES_NOT_BELONG_TO_GROUP"
    default_detail = "The provided database does not belong to the related group."


class TableDoesNotBelongToWorkspace(GridbaseError):
    code = "ERROR_TABLE_DOES_NOT_BELONG_TO_GROUP"
    default_detail = "The provided table does not belong to the related group."


# --- webhooks ---------------------------------------------------------------------------


class TableWebhookDoesNotExist(GridbaseError):
    code = "ERROR_TABLE_WEBHOOK_DOES_NOT_EXIST"
    status = 404
    default_detail = "The requested table webhook does not exist."


class TableWebhookMaxLimitExceeded(GridbaseError):
    code = "ERROR_TABLE_WEBHOOK_MAX_LIMIT_EXCEEDED"

    def __init__(self, limit: int) -> None:
        super().__init__(
            "The maximally allowed webhooks per table has been exceeded. "
            f"You can create a maximum of {limit} webhooks."
        )


class TableWebhookEventConfigFieldNotInTable(GridbaseError):
    code = "ERROR_TABLE_WEBHOOK_EVENT_CONFIG_FIELD_NOT_IN_TABLE"

    def __init__(self, field_id: int) -> None:
        super().__init__(
            f"The provided event config field with ID {field_id} does not belong to the table."
        )


# --- views (grid views, their filters, sorts and field options) ----------------------------


class GridDoesNotExist(GridbaseError):
    code = "ERROR_GRID_DOES_NOT_EXIST"
    status = 404
    default_detail = "The requested grid view does not exist."


class ViewFilterDoesNotExist(GridbaseError):
    code = "ERROR_VIEW_FILTER_DOES_NOT_EXIST"
    status = 404
    default_detail = "The view filter does not exist."


class ViewFilterGroupDoesNotExist(GridbaseError):
    code = "ERROR_VIEW_FILTER_GROUP_DOES_NOT_EXIST"
    status = 404
    default_detail = "The view filter group does not exist."


class ViewSortDoesNotExist(GridbaseError):
    code = "ERROR_VIEW_SORT_DOES_NOT_EXIST"
    status = 404
    default_detail = "The view sort does not exist."


class ViewSortFieldAlreadyExists(GridbaseError):
    code = "ERROR_VIEW_SORT_FIELD_ALREADY_EXISTS"
    default_detail = "A sort with the field already exists in the view."


class ViewSortFieldNotSupported(GridbaseError):
    code = "ERROR_VIEW_SORT_FIELD_NOT_SUPPORTED"
    default_detail = "The field does not support view sorting on the given type."


class FieldNotInTable(GridbaseError):
    code = "ERROR_FIELD_NOT_IN_TABLE"
    default_detail = "The provided field does not belong in the related table."


class ViewNotInTable(GridbaseError):
    code = "ERROR_VIEW_NOT_IN_TABLE"

    def __init__(self, view_id: int | None) -> None:
        # Baserow names no id ("None") when the first view it looks up does not exist
        super().__init__(f"The view id {view_id} does not belong to the table.")


class UnrelatedField(GridbaseError):
    code = "ERROR_UNRELATED_FIELD"
    default_detail = "The field is not related to the provided view."


class DbIndexNotSupported(GridbaseError):
    code = "ERROR_DB_INDEX_NOT_SUPPORTED"

    def __init__(self, field_type: str) -> None:
        super().__init__(
            f"The field type {field_type} does not support database indexes. Explicitly set "
            "`db_index` to `false` to fix this error."
        )


# --- user files ---------------------------------------------------------------------------


class UserFilesDoNotExist(RequestBodyValidation):
    """File field values naming no upload (Baserow's UserFileDoesNotExist): `names` are all
    of them, `first` the one a single-row write names (its first); a batch names them all,
    sorted."""

    def __init__(self, names: list[str], first: list[str] | None = None, one: bool = False) -> None:
        self.names = names
        self.first = names[:1] if first is None else first
        super().__init__(f"The user files {self.first if one else names!r} do not exist.")


class InvalidFile(GridbaseError):
    code = "ERROR_INVALID_FILE"
    default_detail = "No file has been provided or the file is invalid."


class FileSizeTooLarge(GridbaseError):
    code = "ERROR_FILE_SIZE_TOO_LARGE"
    status = 413

    def __init__(self, limit_bytes: int) -> None:
        # Baserow words the limit in whole MB, rounded down (FileSizeTooLargeError)
        super().__init__(
            f"The provided file is too large. Max {limit_bytes // 1024 // 1024}MB is allowed."
        )


class FileUrlCouldNotBeReached(GridbaseError):
    code = "ERROR_FILE_URL_COULD_NOT_BE_REACHED"
    default_detail = "The provided URL could not be reached."


class InvalidFileUrl(GridbaseError):
    code = "ERROR_INVALID_FILE_URL"
    default_detail = "The provided URL is not valid."


# --- field constraints (Baserow's field_constraints: unique_with_empty) -----------------


class InvalidFieldConstraint(GridbaseError):
    code = "ERROR_INVALID_FIELD_CONSTRAINT"

    def __init__(self, field_type: str, constraint: str) -> None:
        super().__init__(
            f"The field constraint {constraint} is not supported for field {field_type}."
        )


class FieldConstraintConflict(GridbaseError):
    """The field's existing values break a constraint that is being added."""

    code = "ERROR_FIELD_CONSTRAINT"
    default_detail = "Cannot apply field constraint due to existing data conflicts."


class FieldConstraintDefault(GridbaseError):
    code = "ERROR_FIELD_CONSTRAINT_DOES_NOT_SUPPORT_DEFAULT_VALUE"
    default_detail = "Cannot set this constraint when default value is set."


class FieldDataConstraint(GridbaseError):
    """A row write would break a field's constraint (raised for the database's unique
    violation by storage.engine, so concurrent writers are refused as well)."""

    code = "ERROR_FIELD_DATA_CONSTRAINT"
    default_detail = "The operation violates a field constraint"


# --- jobs (export, import) --------------------------------------------------------------


class JobDoesNotExist(GridbaseError):
    code = "ERROR_JOB_DOES_NOT_EXIST"
    status = 404
    default_detail = "The requested job does not exist."


class JobNotCancellable(GridbaseError):
    code = "ERROR_JOB_NOT_CANCELLABLE"
    default_detail = "The job cannot be cancelled"


class MaxJobCountExceeded(GridbaseError):
    code = "ERROR_MAX_JOB_COUNT_EXCEEDED"
    default_detail = "Max running job count for this type is exceeded."


class ExportJobDoesNotExist(GridbaseError):
    code = "ERROR_EXPORT_JOB_DOES_NOT_EXIST"
    status = 404
    default_detail = "That export job does not exist."


class ViewUnsupportedForExportType(GridbaseError):
    code = "ERROR_VIEW_UNSUPPORTED_FOR_EXPORT_TYPE"
    default_detail = "You cannot export this view using that exporter type."


# --- trash ------------------------------------------------------------------------------


class TrashItemDoesNotExist(GridbaseError):
    code = "ERROR_TRASH_ITEM_DOES_NOT_EXIST"
    status = 404
    default_detail = "The requested trash item does not exist."


class RelatedTableTrashed(GridbaseError):
    code = "ERROR_CANT_RESTORE_AS_RELATED_TABLE_TRASHED"
    status = 400
    default_detail = (
        "This field cannot be restored as it depends on another table which is still trashed."
    )


class CannotRestoreParentBeforeChild(GridbaseError):
    code = "ERROR_CANNOT_RESTORE_PARENT_BEFORE_CHILD"
    default_detail = (
        "Cannot restore a trashed item if it's parent is also trashed, please restore the "
        "parent first."
    )


class ParentIdMustBeProvided(GridbaseError):
    code = "ERROR_PARENT_ID_MUST_BE_PROVIDED"
    default_detail = "A parent id must be provided when using this trashable item type."


class ParentIdMustNotBeProvided(GridbaseError):
    code = "ERROR_PARENT_ID_MUST_NOT_BE_PROVIDED"
    default_detail = "A parent id must NOT be provided when using this trashable item type."


# --- upsert (gridbase's `upsert_on` on batch create; codes of our own) -------------------


class UpsertFieldNotFound(GridbaseError):
    code = "ERROR_UPSERT_FIELD_NOT_FOUND"

    def __init__(self, name: object) -> None:
        super().__init__(f"The field {name} was not found in the table.")


class UpsertFieldNotPossible(GridbaseError):
    code = "ERROR_UPSERT_FIELD_NOT_POSSIBLE"

    def __init__(self, name: str, type_: str) -> None:
        super().__init__(
            f"It is not possible to upsert on the field {name}: a {type_} field cannot be a key."
        )


class UpsertKeysNotUnique(GridbaseError):
    code = "ERROR_UPSERT_KEYS_NOT_UNIQUE"

    def __init__(self, indexes: list[int]) -> None:
        super().__init__(f"The items {indexes} have the same upsert_on key.")


class UpsertKeyMatchesSeveralRows(GridbaseError):
    code = "ERROR_UPSERT_KEY_MATCHES_SEVERAL_ROWS"

    def __init__(self, index: int, row_ids: list[int]) -> None:
        super().__init__(
            f"The upsert_on key of item {index} matches several rows: {sorted(row_ids)}."
        )
