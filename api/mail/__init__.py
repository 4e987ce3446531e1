"""Transactional e-mail: mails queued with the action that causes them, delivered after commit.

How another domain sends a mail
-------------------------------
1. Add the mail's words to both catalogues (`api/locale/{fr,en}/LC_MESSAGES/messages.po`):
   `mail.<name>.subject`, `mail.<name>.body` (paragraphs separated by a blank line,
   `{placeholders}` for the values) and, when the mail has a button, `mail.<name>.action`.
2. Declare it in `api.mail.messages.MESSAGES`: `"<name>": Message(fields=(...), action=True)`.
   A value named `link` is the button's target; a site path (`/candidatures`) becomes a full
   address (PUBLIC_URL, else the address the request came to).
3. In the service function of the action, inside its transaction (before it returns):

       from api.mail.service import send

       send(session, to=person.email, template="<name>", lang=recipient_language,
            values={"need_title": need.title, "link": f"/besoins/{need.ref}"})

   `send` only adds a row to `mail_outbox` and flushes: it commits or rolls back with the
   action. After the request's commit, the mails it queued are delivered (SMTP, or .eml files
   in the outbox folder when no SMTP_HOST is set); one that fails is retried with backoff by
   the server's postman thread (or `passerelle deliver-mail`), so the action never waits on,
   nor is lost with, the mail. `api.mail.service.recipient_language(session, email)` gives
   the language an account chose (French otherwise).
"""
