// Package report computes the board's numbers: who booked training, who came, who did not,
// how full the sessions were, what people thought of them, and what non-attendance costs
// each organisation. Every figure is an integer count; rates are tenths of a percent and
// money is pence, computed with integer arithmetic so that no figure depends on floating
// point rounding.
//
// # Definitions
//
// Period: sessions whose start falls on or after the From date and before the To date,
// both London calendar dates (so [From, To)). The default is the twelve months up to and
// including today.
//
// Sessions that took place: scheduled (not cancelled) sessions that started before now.
// Only these count, for every figure. Cancelled sessions are left out everywhere: their
// bookings were cancelled by the organiser, not by the person. Sessions still to come are
// left out until they start.
//
// Places booked: bookings that held a confirmed place when the session started: confirmed
// bookings (walk-ins excluded) plus late cancellations (they held a place past the
// cut-off). Ordinary cancellations and waiting-list entries never promoted are not places.
//
// Attended, partly attended, did not attend: a booked (not walk-in) person marked
// attended, partial or absent on a submitted register. A mark on a register that has not
// been submitted is not final, so it is not counted as any of these.
//
// Not recorded: booked places with no final mark: the register has not been submitted,
// or the person was left unmarked on it. Shown so the board can see the gaps.
//
// So places booked = attended + partly attended + did not attend + not recorded + late
// cancellations, always.
//
// Did-not-attend (DNA) rate: did not attend / (attended + partly attended + did not
// attend), in tenths of a percent rounded half up; no rate when nobody is in the
// denominator.
//
// Late cancellations: bookings cancelled at or after the session's cut-off by someone who
// already held the place then (status late_cancelled).
//
// Walk-ins: people who came without a booking, marked attended or partly attended on a
// submitted register. They are not places booked and are not in the DNA rate.
//
// People trained: distinct people marked attended on a submitted register, walk-ins
// included. A person counts once per course (and once per organisation).
//
// Organisation: the organisation a person belongs to now; types are the organisation's
// type (police, health, education, children's social care, voluntary, training partner,
// other).
//
// Fill rate: for a session, places held at the start (confirmed, not walk-ins) divided by
// its capacity; for a course, the sum over its sessions of places divided by the sum of
// capacities.
//
// Evaluations: responses to the post-course evaluation from people at the course's
// sessions in the period; the average rating and usefulness (1 to 5) in tenths, rounded
// half up.
//
// Impact ("did it change practice?", internal/impact): for sessions in the period, the
// follow-ups sent some weeks later to people marked attended, the responses, the response
// rate (responses / follow-ups sent, in tenths of a percent), and the average confidence
// before the training and now (1 to 5, in tenths, rounded half up). The change is the
// rounded "now" minus the rounded "before", so the three figures shown add up. By course
// and by organisation (the person's organisation now). The examples are the answers'
// words with the course only: never the person's name, email or organisation, and with
// email addresses, phone numbers and the writer's own name and organisation taken out of
// the words (Anonymise). An example is quoted only when its writer agreed.
//
// Non-attendance charges: for each did-not-attend, the course's charge for not attending;
// for each late cancellation, its charge for late cancellation. Charges are the course's
// current amounts in pence; a course charging nothing produces no item.
package report
