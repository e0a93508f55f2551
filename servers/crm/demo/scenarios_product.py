"""Scenarios about the product itself: bugs, data export, feature requests."""

from servers.crm.demo.scenario import Scenario

BUGS = (
    Scenario(
        subjects=("Tasks disappeared from our board", "Missing tasks in {project}"),
        bodies=(
            "About {count} tasks vanished from the {project} board overnight. Nobody on the "
            "team deleted them as far as I know. Are they recoverable?",
            "Since this morning several tasks in {project} are gone from the list view but "
            "still show up in search. Very confusing for the team.",
        ),
        replies=(
            "Good news: they weren't deleted. A filter saved on that board hid tasks whose "
            "assignee was removed. I've cleared it and all {count} tasks are visible again.",
            "They were archived by an automation rule set up last week. You'll find them under "
            "Archive; select them and choose 'Restore' to put them back.",
        ),
        tags=("missing-tasks",),
        priorities=(0, 3, 5, 2),
    ),
    Scenario(
        subjects=(
            "{app} not syncing",
            "Changes on mobile don't show up on the web",
            "Sync stuck on the {app}",
        ),
        bodies=(
            "Tasks I complete in the {app} stay open on the web and my colleagues don't see "
            "my comments. I've tried logging out and back in. Error shown: {error}.",
            "The {app} keeps saying 'Syncing...' forever. I'm on the latest version and my "
            "connection is fine.",
        ),
        replies=(
            "Thanks for the details. This was a known sync issue in the last {app} release; "
            "version 5.12.1 fixes it. Please update and pull down to refresh.",
            "Could you sign out, clear the app cache (Settings > Storage > Clear cache) and "
            "sign in again? Your data is safe on our servers, so nothing is lost.",
        ),
        tags=("sync", "mobile"),
        priorities=(1, 5, 3, 1),
        channels=("chat", "email", "web"),
    ),
    Scenario(
        subjects=("Desktop app shows a blank screen", "Blank window after updating"),
        bodies=(
            "After the latest update the desktop app on {os} opens to a white screen. The web "
            "app works fine in {browser}. Reinstalling didn't help.",
        ),
        replies=(
            "This happens when an old GPU cache survives the update. Quit the app, delete the "
            "'GPUCache' folder in the Tasklane app-data folder, and start it again.",
        ),
        tags=("desktop",),
        priorities=(1, 5, 3, 0),
    ),
    Scenario(
        subjects=(
            "Due dates are off by one day",
            "Wrong due dates for the team in another timezone",
        ),
        bodies=(
            "When I set a due date of Friday, my colleague in another country sees Thursday. "
            "It's causing missed deadlines on {project}.",
        ),
        replies=(
            "Due dates without a time are shown in each member's timezone. Please check "
            "Profile > Preferences > Timezone on both accounts; your colleague's was set to "
            "UTC-8, which explains the shift.",
        ),
        tags=("timezone", "due-dates"),
        priorities=(2, 6, 2, 0),
    ),
    Scenario(
        subjects=("Attachment upload fails", "Can't upload {file_type} files"),
        bodies=(
            "Every time I attach a {size} MB {file_type} file to a task I get 'Upload failed'. "
            "Smaller files work. Is there a size limit?",
        ),
        replies=(
            "The limit per file is 100 MB on Pro and 250 MB on Business and Enterprise, which "
            "is why the {size} MB file fails on your plan. Zipping it or linking it from cloud "
            "storage works around the limit.",
        ),
        tags=("attachments",),
        priorities=(2, 6, 2, 0),
    ),
    Scenario(
        subjects=("Not getting notifications anymore", "No email notifications since {date}"),
        bodies=(
            "Since {date} I no longer get notified when someone mentions me or assigns a task. "
            "Notifications are turned on in my settings.",
        ),
        replies=(
            "Your address was on our suppression list after a bounce on {date}. I've removed "
            "it, so notifications will flow again from now on.",
        ),
        tags=("notifications",),
    ),
    Scenario(
        subjects=(
            "'Something went wrong' when opening a project",
            "Error {error} when I open {project}",
        ),
        bodies=(
            "Opening {project} shows 'Something went wrong, please try again' (code {error}). "
            "Other projects open normally. It started around {time} today.",
        ),
        replies=(
            "Thanks for the code, it let us find the cause: one task in {project} had a "
            "corrupted custom field. Our engineers repaired it and the project opens again.",
        ),
        notes=("Escalated to engineering with the request id; fixed by data repair.",),
        tags=("error",),
        priorities=(0, 3, 5, 2),
    ),
)

DATA_EXPORT = (
    Scenario(
        subjects=("Export all projects to CSV", "How do I export our tasks to Excel?"),
        bodies=(
            "Our manager wants a spreadsheet of every task in {project} with assignees and due "
            "dates. Is there a way to export to CSV or Excel?",
        ),
        replies=(
            "Yes: open the project, then More > Export > CSV. The file includes assignees, due "
            "dates, status and custom fields, and opens in Excel.",
        ),
        tags=("csv",),
        priorities=(4, 5, 1, 0),
    ),
    Scenario(
        subjects=("Full workspace backup", "Export everything before migrating"),
        bodies=(
            "We need a complete backup of {workspace} (all projects, comments and attachments) "
            "for our records. What's the best format?",
        ),
        replies=(
            "Workspace owners can request a full export under Settings > Data > Export "
            "workspace. You'll get a JSON archive with attachments by email within a few hours.",
        ),
        tags=("backup",),
        priorities=(2, 6, 2, 0),
    ),
    Scenario(
        subjects=("Export is stuck at 0%", "Workspace export never finishes"),
        bodies=(
            "I started a workspace export on {date} and the progress bar is still at 0%. I "
            "tried twice. We need the data for an audit this week.",
        ),
        replies=(
            "The export job was stuck behind a very large attachment. I restarted it with "
            "attachments split into separate archives; you should get the download links "
            "within the hour.",
        ),
        notes=("Export worker timed out on a large attachment; restarted manually.",),
        tags=("export-failed",),
        priorities=(0, 3, 5, 1),
    ),
    Scenario(
        subjects=("Request for a copy of my personal data", "GDPR data access request"),
        bodies=(
            "Under GDPR I'd like a copy of all personal data you hold about me. Please tell me "
            "how long it will take.",
        ),
        replies=(
            "We've received your request and will send the export to your account email "
            "within 30 days, usually much sooner. No action is needed on your side.",
        ),
        tags=("gdpr", "privacy"),
        priorities=(1, 6, 2, 0),
    ),
    Scenario(
        subjects=("Get our data into our BI tool", "Scheduled exports?"),
        bodies=(
            "We'd like to pull task data into our reporting tool every night. Is there a "
            "scheduled export, or should we use the API?",
        ),
        replies=(
            "The API is the best fit: the /tasks endpoint supports 'updated_since', so a "
            "nightly job can fetch only what changed. Scheduled CSV exports are on our roadmap.",
        ),
        tags=("api", "reporting"),
        priorities=(5, 4, 0, 0),
    ),
)

FEATURE_REQUESTS = (
    Scenario(
        subjects=(
            "Feature request: dependencies in the timeline view",
            "Gantt chart export to PDF?",
        ),
        bodies=(
            "We plan {project} in the timeline view and would love to draw dependencies "
            "between tasks and export the chart as a PDF for our client.",
        ),
        replies=(
            "Thanks for the detailed request! Dependencies are already available on Business; "
            "PDF export of the timeline isn't yet, so I've added your vote to that request.",
        ),
        tags=("timeline",),
        priorities=(7, 3, 0, 0),
    ),
    Scenario(
        subjects=("Dark mode for the desktop app please", "Dark theme?"),
        bodies=(
            "The web app has dark mode but the desktop app on {os} doesn't follow it. Any plans "
            "to add it? My eyes would thank you.",
        ),
        replies=(
            "Good news: dark mode for the desktop apps is in beta. Turn it on under "
            "Preferences > Appearance > Beta themes and let us know how it feels.",
        ),
        tags=("ui",),
        priorities=(8, 2, 0, 0),
    ),
    Scenario(
        subjects=("Recurring tasks on custom schedules", "Repeat a task every second Tuesday"),
        bodies=(
            "We need tasks that repeat on the first working day of each month, or every second "
            "{weekday}. The current options are too limited.",
        ),
        replies=(
            "Thanks {first}! Custom recurrence rules are planned for this quarter. I've linked "
            "this ticket to the request so you'll hear when it ships.",
        ),
        tags=("recurring",),
        priorities=(7, 3, 0, 0),
    ),
    Scenario(
        subjects=("Time tracking inside tasks", "Built-in time tracking?"),
        bodies=(
            "Our agency bills clients by the hour. It would save us a lot of time if we could "
            "log hours on tasks directly instead of using a separate tool.",
        ),
        replies=(
            "Not built in today, but the Toggl and Harvest integrations add a timer to every "
            "task. I've also recorded your interest in native time tracking.",
        ),
        tags=("time-tracking",),
        priorities=(7, 3, 0, 0),
    ),
    Scenario(
        subjects=("Guest access with view-only rights", "More granular permissions"),
        bodies=(
            "We want to invite clients to see progress on {project} without letting them edit "
            "or see other projects. Is that possible?",
        ),
        replies=(
            "Guests on Business can be limited to single projects with view-only or comment-"
            "only rights. I've shared a short guide on setting that up.",
        ),
        tags=("permissions",),
        priorities=(5, 4, 1, 0),
    ),
)
