"""Scenarios about the platform around the app: integrations, outages, security."""

from servers.crm.demo.scenario import Scenario

INTEGRATIONS = (
    Scenario(
        subjects=(
            "{integration} notifications stopped",
            "{integration} integration stopped posting",
        ),
        bodies=(
            "Our {integration} channel used to get an update whenever a task in {project} "
            "changed. Nothing has come through since {date}, and we didn't touch the settings.",
        ),
        replies=(
            "The {integration} connection lost its authorisation when the app was reinstalled "
            "on your side. Reconnect it under Settings > Integrations > {integration}; your "
            "channel mappings are kept.",
        ),
        tags=("notifications",),
        priorities=(1, 5, 3, 1),
    ),
    Scenario(
        subjects=("GitHub pull requests no longer link to tasks", "GitHub sync broken"),
        bodies=(
            "We mention task ids in our pull request titles and they used to show up on the "
            "task. Since last week nothing links. Our organisation recently enabled SSO.",
        ),
        replies=(
            "With SSO enforced on your GitHub organisation, the Tasklane app needs to be "
            "re-authorised for it. An org owner can approve it under GitHub > Settings > "
            "Applications; links appear again within minutes.",
        ),
        tags=("github",),
    ),
    Scenario(
        subjects=("Duplicate events in Google Calendar", "Calendar sync creates every task twice"),
        bodies=(
            "Every task with a due date now appears twice in my Google Calendar. I think it "
            "started when I connected a second calendar.",
        ),
        replies=(
            "Both calendars were subscribed to the same project feed. Disconnect one under "
            "Settings > Integrations > Google Calendar and the duplicates disappear after the "
            "next sync.",
        ),
        tags=("calendar",),
        priorities=(3, 6, 1, 0),
    ),
    Scenario(
        subjects=("Zapier zap failing with 401", "Zapier can't connect to Tasklane"),
        bodies=(
            "Our zap that creates tasks from form submissions fails with error 401 since "
            "{date}. We rotated API tokens around then, if that matters.",
        ),
        replies=(
            "Yes, that's it: the zap still uses the old token. Reconnect your Tasklane account "
            "in Zapier (My Apps > Tasklane > Reconnect) and turn the zap back on.",
        ),
        tags=("zapier", "api-token"),
    ),
    Scenario(
        subjects=("Webhooks not being delivered", "Missing webhook calls for task updates"),
        bodies=(
            "Our webhook endpoint stopped receiving task.updated events around {time} "
            "yesterday. Our server logs show nothing from you. Are deliveries paused?",
        ),
        replies=(
            "Your endpoint returned errors for 24 hours, so the webhook was paused "
            "automatically. Once your endpoint is healthy, re-enable it under Settings > "
            "Webhooks; missed events from the last 72 hours are redelivered.",
        ),
        notes=("Endpoint returned {error} for 24h; auto-paused per policy.",),
        tags=("webhooks",),
        priorities=(0, 4, 5, 1),
        channels=("email", "api", "web"),
    ),
    Scenario(
        subjects=("API returns 429 Too Many Requests", "Rate limits on the API"),
        bodies=(
            "Our nightly sync script is getting 429 responses after about {count} requests. "
            "What are the limits, and can they be raised for our account?",
        ),
        replies=(
            "The limit is 100 requests per minute per token on Pro and 600 on Enterprise. "
            "Respect the Retry-After header and batch task reads with the 'ids' parameter; "
            "that keeps a nightly sync well under the limit.",
        ),
        tags=("api", "rate-limit"),
        priorities=(2, 6, 2, 0),
        channels=("api", "email"),
    ),
)

OUTAGES = (
    Scenario(
        subjects=("Tasklane is down for us", "Can't load the app at all", "Is Tasklane down?"),
        bodies=(
            "Nobody in our office can load Tasklane, neither in {browser} nor in the desktop "
            "app. We just get a spinner. Is there an outage?",
            "Since about {time} the app won't load for our whole team. We have a client "
            "deadline today.",
        ),
        replies=(
            "We had an incident affecting the web app between {time} and about 40 minutes "
            "later; it's resolved now. Sorry for the disruption - the post-mortem will be "
            "on our status page.",
        ),
        notes=("Linked to the incident on the status page.",),
        tags=("incident",),
        priorities=(0, 1, 4, 6),
        channels=("email", "chat", "phone"),
    ),
    Scenario(
        subjects=("API returning {error} errors", "Intermittent {error} from the API"),
        bodies=(
            "Roughly a third of our API calls have failed with {error} since {time}. All our "
            "integrations depend on it. Please advise.",
        ),
        replies=(
            "A faulty deploy caused elevated {error} responses from part of the API fleet. "
            "It was rolled back and error rates are back to normal. Retrying failed calls is "
            "safe.",
        ),
        tags=("api", "incident"),
        priorities=(0, 1, 4, 6),
        channels=("api", "email"),
    ),
    Scenario(
        subjects=("Everything is very slow today", "Boards take a minute to load"),
        bodies=(
            "The {project} board takes almost a minute to load and dragging cards lags. Other "
            "sites are fast, so it's not our connection.",
        ),
        replies=(
            "The slowness came from a database failover this morning and is resolved. Large "
            "boards also load faster with completed tasks hidden (View > Hide completed).",
        ),
        tags=("performance",),
        priorities=(0, 3, 5, 2),
    ),
    Scenario(
        subjects=("Scheduled maintenance this weekend?", "Downtime during maintenance window"),
        bodies=(
            "We saw a maintenance notice. Our team works weekends; will Tasklane be "
            "unavailable, and for how long?",
        ),
        replies=(
            "The maintenance is read-only for at most {minutes} minutes: you can view "
            "everything, only edits are paused. Subscribe to the status page for reminders.",
        ),
        tags=("maintenance",),
        priorities=(4, 5, 1, 0),
    ),
    Scenario(
        subjects=("Service credits for last week's outage", "SLA credit request"),
        bodies=(
            "Last week's incident took Tasklane down for most of a working day. Under our "
            "Enterprise SLA we're entitled to service credits. How do we claim them?",
        ),
        replies=(
            "You're right, the incident breached the monthly uptime commitment. I've applied "
            "the service credit to your next invoice; you'll see it as 'SLA credit'.",
        ),
        notes=("Credit approved by the account manager.",),
        tags=("sla", "credits"),
        priorities=(0, 4, 5, 1),
    ),
    Scenario(
        subjects=(
            "App loads but nothing updates live",
            "Real-time updates blocked by our firewall",
        ),
        bodies=(
            "Inside our corporate network, changes from colleagues only appear after a "
            "refresh. At home it works. Our IT team asks which domains and ports you use.",
        ),
        replies=(
            "Live updates use WebSockets on port 443 to realtime.tasklane.example. Ask IT to "
            "allow that host and WebSocket upgrades through the proxy.",
        ),
        tags=("network",),
        priorities=(2, 6, 2, 0),
    ),
)

SECURITY = (
    Scenario(
        subjects=("SSO login loop with {idp}", "Single sign-on sends us back to the login page"),
        bodies=(
            "Since we connected {idp}, users are sent back and forth between {idp} and "
            "Tasklane and never get in. We double-checked the certificate.",
        ),
        replies=(
            "The email attribute in your {idp} app sends the username instead of the email "
            "address. Map 'email' to the user's primary email and logins will work.",
        ),
        tags=("sso",),
        priorities=(0, 2, 6, 2),
    ),
    Scenario(
        subjects=("Suspicious login alert", "Login from a country I've never been to"),
        bodies=(
            "I got an email about a new sign-in to my account from a device I don't "
            "recognise at {time}. It wasn't me. What should I do?",
        ),
        replies=(
            "I've signed out all sessions on your account. Please change your password now "
            "and turn on two-factor authentication. The login came from a reused password, "
            "and no data was exported.",
        ),
        notes=("Sessions revoked; checked the audit log: no exports or deletions.",),
        tags=("account-security",),
        priorities=(0, 1, 5, 4),
    ),
    Scenario(
        subjects=("Security questionnaire and SOC 2 report", "Need your SOC 2 report"),
        bodies=(
            "Our procurement team needs your SOC 2 Type II report and a completed security "
            "questionnaire before we can renew for {seats} seats.",
        ),
        replies=(
            "Happy to help. I've sent the SOC 2 Type II report under NDA through our trust "
            "portal, and our security team will return the questionnaire within five days.",
        ),
        tags=("compliance",),
        priorities=(1, 5, 3, 0),
    ),
    Scenario(
        subjects=("Enforce two-factor for everyone", "Require 2FA for our workspace"),
        bodies=(
            "Our security policy now requires 2FA for all tools. Can I force every member of "
            "{workspace} to use it?",
        ),
        replies=(
            "Yes, admins can require it under Settings > Security > Require two-factor. "
            "Members without 2FA are asked to set it up at their next login.",
        ),
        tags=("2fa",),
        priorities=(3, 6, 1, 0),
    ),
    Scenario(
        subjects=("Remove access for a former employee", "Ex-employee still has access"),
        bodies=(
            "Someone left our company on {date} and I want to be sure they can't get into "
            "{workspace} anymore, and see what they accessed in their last week.",
        ),
        replies=(
            "I've confirmed their account is deactivated and their sessions revoked. The "
            "audit log (Settings > Security > Audit log) shows everything they did, filterable "
            "by member.",
        ),
        tags=("offboarding", "audit-log"),
        priorities=(0, 4, 5, 1),
    ),
)
