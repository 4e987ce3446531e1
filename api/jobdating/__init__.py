"""Job-dating evenings: company tables, attendees, a schedule of interviews and agendas."""
