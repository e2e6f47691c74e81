"""Questions to the team: a question the folder cannot answer, sent on the patient's request, answered by staff."""
