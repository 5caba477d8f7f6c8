/**
 * The portal's handlebars views. They live in TypeScript so that `npm run build` carries them into
 * dist/ (tsc copies no other files) and the image needs nothing beside it. Every value is escaped.
 * The layout and the message card are shared with the unsubscribe pages (@touchbase/preferences,
 * client-page.ts).
 */

const NOTICES = `{{#if flash}}<div class="notice ok" role="status"><p>{{flash}}</p></div>{{/if}}
{{#if warning}}<div class="notice warn" role="alert"><p>{{warning}}</p></div>{{/if}}
{{#if errors.length}}<div class="notice err" role="alert" id="errors"><p>{{t.errorsTitle}}</p><ul>
{{#each errors}}<li><a href="#{{id}}">{{message}}</a></li>{{/each}}
</ul></div>{{/if}}`;

export const HOME_VIEW = `<h1>{{greeting}}</h1>
<p class="lead">{{t.intro}}</p>
<nav aria-label="{{t.title}}"><ul class="tabs">
<li><a href="#preferences">{{t.nav.preferences}}</a></li>
<li><a href="#contact">{{t.nav.contact}}</a></li>
{{#if survey}}<li><a href="#survey">{{t.nav.survey}}</a></li>{{/if}}
<li><a href="#unsubscribe">{{t.nav.unsubscribe}}</a></li>
</ul></nav>
${NOTICES}
{{#if optedOut}}
<section class="card" aria-labelledby="opted-out-title">
<h2 id="opted-out-title">{{t.optedOut.title}}</h2>
<p>{{t.optedOut.text}}</p>
<form method="post" action="{{base}}/resubscribe?lang={{lang}}">
<input type="hidden" name="_csrf" value="{{csrf}}">
<button class="button" type="submit">{{t.optedOut.button}}</button>
</form>
</section>
{{/if}}

<section class="card" id="preferences" aria-labelledby="preferences-title">
<h2 id="preferences-title">{{t.preferences.title}}</h2>
<form method="post" action="{{base}}/preferences?lang={{lang}}" novalidate>
<input type="hidden" name="_csrf" value="{{csrf}}">

<fieldset id="frequency"{{#if frequencyError}} aria-describedby="frequency-error"{{/if}}>
<legend>{{t.preferences.frequency}}</legend>
<p class="hint">{{t.preferences.frequencyHint}}</p>
{{#each frequencies}}<div class="choice"><input type="radio" name="frequency" id="frequency-{{value}}" value="{{value}}"{{#if checked}} checked{{/if}}><label for="frequency-{{value}}">{{label}}</label></div>
{{/each}}
{{#if frequencyError}}<p class="error" id="frequency-error">{{frequencyError}}</p>{{/if}}
</fieldset>

<fieldset id="channels">
<legend>{{t.preferences.channels}}</legend>
<p class="hint">{{t.preferences.channelsHint}}</p>
{{#each channels}}<div class="choice"><input type="checkbox" name="channels" id="channel-{{key}}" value="{{key}}" data-channel="{{key}}"{{#if checked}} checked{{/if}}><label for="channel-{{key}}">{{label}}</label></div>
{{/each}}
</fieldset>

<fieldset id="preferredChannel"{{#if preferredError}} aria-describedby="preferred-error"{{/if}}>
<legend>{{t.preferences.preferred}}</legend>
<p class="hint">{{t.preferences.preferredHint}}</p>
<div class="choice"><input type="radio" name="preferredChannel" id="preferred-none" value=""{{#if preferredNone}} checked{{/if}}><label for="preferred-none">{{t.preferences.noPreference}}</label></div>
{{#each channels}}<div class="choice"><input type="radio" name="preferredChannel" id="preferred-{{key}}" value="{{key}}"{{#if preferred}} checked{{/if}}><label for="preferred-{{key}}">{{label}}</label></div>
{{/each}}
{{#if preferredError}}<p class="error" id="preferred-error">{{preferredError}}</p>{{/if}}
</fieldset>

<fieldset id="topics">
<legend>{{t.preferences.topics}}</legend>
<p class="hint">{{t.preferences.topicsHint}}</p>
{{#each topics}}<input type="hidden" name="shownTopics" value="{{key}}"><div class="choice"><input type="checkbox" name="topics" id="topic-{{key}}" value="{{key}}" aria-describedby="topic-{{key}}-desc"{{#if checked}} checked{{/if}}><label for="topic-{{key}}">{{name}}<span class="desc" id="topic-{{key}}-desc">{{description}}</span></label></div>
{{/each}}
</fieldset>

<fieldset id="quietHours"{{#if quietError}} aria-describedby="quiet-error"{{/if}}>
<legend>{{t.preferences.quiet}}</legend>
<p class="hint">{{t.preferences.quietHint}}</p>
<div class="choice"><input type="checkbox" name="quietEnabled" id="quiet-enabled" value="1"{{#if quiet.enabled}} checked{{/if}}><label for="quiet-enabled">{{t.preferences.quietEnabled}}</label></div>
<div class="row">
<div class="field"><label for="quiet-start">{{t.preferences.quietStart}}</label><input type="text" class="time" id="quiet-start" name="quietStart" value="{{quiet.start}}" inputmode="numeric" maxlength="5" placeholder="22:00" pattern="([01]?[0-9]|2[0-3]):[0-5][0-9]" autocomplete="off" aria-describedby="quiet-format"{{#if quiet.enabled}}{{else}} disabled{{/if}}{{#if quietError}} aria-invalid="true"{{/if}}></div>
<div class="field"><label for="quiet-end">{{t.preferences.quietEnd}}</label><input type="text" class="time" id="quiet-end" name="quietEnd" value="{{quiet.end}}" inputmode="numeric" maxlength="5" placeholder="08:00" pattern="([01]?[0-9]|2[0-3]):[0-5][0-9]" autocomplete="off" aria-describedby="quiet-format"{{#if quiet.enabled}}{{else}} disabled{{/if}}{{#if quietError}} aria-invalid="true"{{/if}}></div>
</div>
<p class="hint" id="quiet-format">{{t.preferences.quietFormat}}</p>
{{#if quietError}}<p class="error" id="quiet-error">{{quietError}}</p>{{/if}}
</fieldset>

<fieldset id="clickTracking">
<legend>{{t.preferences.tracking}}</legend>
<input type="hidden" name="clickTrackingShown" value="1">
<div class="choice"><input type="checkbox" name="clickTracking" id="click-tracking" value="1" aria-describedby="click-tracking-hint"{{#if clickTracking}} checked{{/if}}><label for="click-tracking">{{t.preferences.trackingEnabled}}</label></div>
<p class="hint" id="click-tracking-hint">{{t.preferences.trackingHint}}</p>
</fieldset>

<div class="field">
<label for="locale">{{t.preferences.language}}</label>
<select id="locale" name="locale">
{{#each locales}}<option value="{{value}}"{{#if selected}} selected{{/if}}>{{label}}</option>{{/each}}
</select>
</div>

<div class="actions sticky"><button class="button" type="submit">{{t.preferences.save}}</button></div>
</form>
</section>

<section class="card" id="contact" aria-labelledby="contact-title">
<h2 id="contact-title">{{t.contact.title}}</h2>
<p class="hint">{{t.contact.hint}}</p>
<form method="post" action="{{base}}/contact?lang={{lang}}" novalidate>
<input type="hidden" name="_csrf" value="{{csrf}}">
{{#each contactFields}}
<div class="field"><label for="{{id}}">{{label}}</label>
<input type="{{type}}" id="{{id}}" name="{{name}}" value="{{value}}" autocomplete="{{autocomplete}}"{{#if maxlength}} maxlength="{{maxlength}}"{{/if}}{{#if hint}} aria-describedby="{{id}}-hint{{#if error}} {{id}}-error{{/if}}"{{else}}{{#if error}} aria-describedby="{{id}}-error"{{/if}}{{/if}}{{#if error}} aria-invalid="true"{{/if}}>
{{#if hint}}<p class="hint" id="{{id}}-hint">{{hint}}</p>{{/if}}
{{#if error}}<p class="error" id="{{id}}-error">{{error}}</p>{{/if}}
</div>
{{/each}}
{{#if verifiedAt}}<p class="muted">{{verifiedAt}}</p>{{/if}}
<div class="actions"><button class="button" type="submit">{{t.contact.save}}</button></div>
</form>
</section>

{{#if survey}}
<section class="card" id="survey" aria-labelledby="survey-title">
<h2 id="survey-title">{{t.survey.title}}</h2>
<p class="hint">{{t.survey.intro}}</p>
{{#if survey.answered}}<p class="muted">{{t.survey.answered}}</p>{{/if}}
<form method="post" action="{{base}}/survey?lang={{lang}}" novalidate>
<input type="hidden" name="_csrf" value="{{csrf}}">
<div class="field"><label for="survey-valued">{{t.survey.valued}}</label>
<textarea id="survey-valued" name="valued" maxlength="4000"{{#if survey.answersError}} aria-invalid="true" aria-describedby="survey-answers-error"{{/if}}>{{survey.valued}}</textarea></div>
<div class="field"><label for="survey-improve">{{t.survey.improve}}</label>
<textarea id="survey-improve" name="improve" maxlength="4000"{{#if survey.answersError}} aria-invalid="true" aria-describedby="survey-answers-error"{{/if}}>{{survey.improve}}</textarea></div>
{{#if survey.answersError}}<p class="error" id="survey-answers-error">{{survey.answersError}}</p>{{/if}}
<fieldset id="survey-rating"{{#if survey.ratingError}} aria-describedby="survey-rating-error"{{/if}}>
<legend>{{t.survey.rating}}</legend>
<p class="hint">{{t.survey.ratingHint}}</p>
<div class="scale">
<label class="none"><input type="radio" name="rating" value=""{{#if survey.noRating}} checked{{/if}}><span>{{t.survey.ratingNone}}</span></label>
{{#each survey.ratings}}<label><input type="radio" name="rating" value="{{value}}"{{#if checked}} checked{{/if}}><span>{{value}}</span></label>{{/each}}
</div>
<div class="ends" aria-hidden="true"><span>0 — {{t.survey.ratingLow}}</span><span>10 — {{t.survey.ratingHigh}}</span></div>
{{#if survey.ratingError}}<p class="error" id="survey-rating-error">{{survey.ratingError}}</p>{{/if}}
</fieldset>
<div class="actions"><button class="button" type="submit">{{t.survey.submit}}</button></div>
</form>
</section>
{{/if}}

<section class="card" id="unsubscribe" aria-labelledby="unsubscribe-title">
<h2 id="unsubscribe-title">{{t.unsubscribe.title}}</h2>
<p class="hint">{{t.unsubscribe.hint}}</p>
{{#if optedOut}}<p>{{t.optedOut.title}}</p>{{else}}<p><a href="{{base}}/unsubscribe?lang={{lang}}">{{t.unsubscribe.linkText}}</a></p>{{/if}}
</section>
`;

export const UNSUBSCRIBE_VIEW = `<section class="card" aria-labelledby="confirm-title">
<h1 id="confirm-title">{{t.unsubscribe.question}}</h1>
${NOTICES}
<p>{{t.unsubscribe.explain}}</p>
<p class="hint">{{t.unsubscribe.hint}}</p>
<form method="post" action="{{base}}/unsubscribe?lang={{lang}}">
<input type="hidden" name="_csrf" value="{{csrf}}">
<div class="actions">
<button class="button danger" type="submit">{{t.unsubscribe.confirm}}</button>
<a class="button ghost" href="{{base}}?lang={{lang}}#preferences">{{t.unsubscribe.cancel}}</a>
</div>
</form>
</section>
`;

export const LINK_REQUEST_VIEW = `<section class="card" aria-labelledby="link-title">
<h1 id="link-title">{{heading}}</h1>
${NOTICES}
<p>{{text}}</p>
<form method="post" action="/portal/link?lang={{lang}}" novalidate>
<input type="hidden" name="_csrf" value="{{csrf}}">
<div class="field"><label for="address">{{t.link.address}}</label>
<input type="text" id="address" name="address" value="{{address}}" autocomplete="email" inputmode="email" maxlength="320" required aria-describedby="address-hint"></div>
<p class="hint" id="address-hint">{{t.link.addressHint}}</p>
<div class="actions"><button class="button" type="submit">{{t.link.send}}</button></div>
</form>
</section>
`;

/** The email with a fresh link, for "send me a new link". */
export const LINK_EMAIL_VIEW = `<!DOCTYPE html>
<html lang="{{lang}}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{t.link.emailSubject}}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1f2328;">
<div style="background:#ffffff;border-radius:8px;padding:32px 28px;">
<p style="margin:0 0 16px;">{{t.link.emailGreeting}}</p>
<p style="margin:0 0 24px;">{{t.link.emailText}}</p>
<p style="margin:0 0 24px;"><a href="{{url}}" style="display:inline-block;background:#1a5fb4;color:#ffffff;text-decoration:none;padding:12px 24px;border-radius:6px;">{{t.link.emailButton}}</a></p>
<p style="margin:0;color:#57606a;font-size:14px;">{{t.link.emailIgnore}}</p>
</div>
<p style="padding:16px 8px;margin:0;font-size:13px;color:#6b7280;">{{company}}</p>
</div>
</body>
</html>
`;
