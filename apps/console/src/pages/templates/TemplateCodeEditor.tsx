import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState, type Text } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import CodeMirror, { type ReactCodeMirrorRef } from '@uiw/react-codemirror';
import { handlebarsLanguage } from '@xiechao/codemirror-lang-handlebars';
import { useCallback, useEffect, useImperativeHandle, useMemo, useRef, type Ref } from 'react';
import type { TemplateProblem, TemplateVariables } from './api';

/** What the editor page can do with the editor: insert at the cursor, go to a place. */
export interface TemplateEditorHandle {
  insert(text: string): void;
  goTo(line: number, column: number): void;
}

interface Props {
  value: string;
  onChange: (value: string) => void;
  /** The problems of the text `checked` (applied only while the editor still holds that text). */
  problems: TemplateProblem[];
  checked: string | null;
  variables: TemplateVariables | undefined;
  readOnly: boolean;
  label: string;
  invalid: boolean;
  ref?: Ref<TemplateEditorHandle>;
}

const BLOCK_HELPERS = ['if', 'unless', 'each', 'with'];

/** The 0-based offset of a 1-based line and column, kept inside the document. */
export function offsetOf(doc: Text, line: number | null, column: number | null): number {
  const l = doc.line(Math.min(Math.max(line ?? 1, 1), doc.lines));
  return Math.min(l.from + Math.max((column ?? 1) - 1, 0), l.to);
}

/** A problem as a lint diagnostic: underlined from its column to the end of the word (or one character). */
function diagnostic(doc: Text, p: TemplateProblem): Diagnostic {
  const from = offsetOf(doc, p.line, p.column);
  const line = doc.lineAt(from);
  const rest = doc.sliceString(from, line.to);
  // An unknown variable is underlined as written; anything else up to the end of its word or tag.
  const word =
    p.variable && rest.startsWith(p.variable)
      ? p.variable.length
      : (/^(\{\{[^}]*\}?\}?|[^\s<>{}]+)/.exec(rest)?.[0].length ?? 0);
  let to = from + Math.max(word, 1);
  if (to > line.to) to = line.to;
  // An error at the very end of a line underlines its last character.
  const start = to === from && from > line.from ? from - 1 : from;
  return { from: start, to: Math.max(to, start), severity: 'error', message: p.message, source: 'handlebars' };
}

/** Suggestions after "{{": the message's variables, the helpers, the block helpers after "{{#". */
function completions(variables: TemplateVariables | undefined) {
  return (context: CompletionContext): CompletionResult | null => {
    const match = context.matchBefore(/\{\{\{?[#/]?[\w.[\]]*$/);
    if (!match) return null;
    const prefix = /^\{\{\{?[#/]?/.exec(match.text)![0];
    const from = match.from + prefix.length;
    const block = prefix.endsWith('#') || prefix.endsWith('/');
    const options: Completion[] = block
      ? BLOCK_HELPERS.map((h) => ({ label: h, type: 'keyword' }))
      : [
          ...(variables?.variables ?? []).map((v) => ({
            label: v.name,
            detail: v.example.length > 40 ? `${v.example.slice(0, 40)}…` : v.example,
            type: 'variable',
          })),
          ...(variables?.helpers ?? []).map((h) => ({ label: h, type: 'function' })),
        ];
    return { from, options, validFor: /^[\w.[\]]*$/ };
  };
}

/** CodeMirror 6 over Handlebars (HTML inside): problems underlined, variables suggested. */
export function TemplateCodeEditor({
  value,
  onChange,
  problems,
  checked,
  variables,
  readOnly,
  label,
  invalid,
  ref,
}: Props) {
  const cm = useRef<ReactCodeMirrorRef>(null);
  const extensions = useMemo(() => {
    // One source for the editor's life: the autocompletion tells its queries apart by the source's identity.
    const source = completions(variables);
    return [
      handlebarsLanguage,
      EditorState.languageData.of(() => [{ autocomplete: source }]),
      lintGutter(),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({
        'aria-label': label,
        // In the tab order, editable or not: a long text scrolls, and the keyboard reaches (and
        // scrolls) it either way.
        tabindex: '0',
        ...(readOnly && { 'aria-readonly': 'true' }),
      }),
    ];
  }, [variables, label, readOnly]);

  // The editor is reconfigured whenever its callbacks or setup change identity (which would close its
  // suggestions as they open): they stay the same, the latest onChange is called through a ref.
  const latestOnChange = useRef(onChange);
  useEffect(() => {
    latestOnChange.current = onChange;
  }, [onChange]);
  const changed = useCallback((v: string) => latestOnChange.current(v), []);
  const setup = useMemo(() => ({ foldGutter: false, highlightActiveLine: !readOnly }), [readOnly]);

  useImperativeHandle(ref, () => ({
    insert(text: string) {
      const view = cm.current?.view;
      if (!view) return;
      view.dispatch(view.state.replaceSelection(text));
      view.focus();
    },
    goTo(line: number, column: number) {
      const view = cm.current?.view;
      if (!view) return;
      const pos = offsetOf(view.state.doc, line, column);
      view.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
      view.focus();
    },
  }));

  // Set on the text box itself, not through the extensions: a reconfiguration (as the text becomes
  // valid or not while typing) would close the suggestions being offered.
  useEffect(() => {
    cm.current?.view?.contentDOM.setAttribute('aria-invalid', invalid ? 'true' : 'false');
  }, [invalid]);

  // The problems found for exactly this text become diagnostics (underlines, gutter markers).
  useEffect(() => {
    const view = cm.current?.view;
    if (!view || checked === null || view.state.doc.toString() !== checked) return;
    const doc = view.state.doc;
    view.dispatch(setDiagnostics(view.state, problems.map((p) => diagnostic(doc, p))));
  }, [problems, checked, value]);

  return (
    <div className={`tb-code-editor${invalid ? ' tb-code-editor-invalid' : ''}`}>
      <CodeMirror
        ref={cm}
        value={value}
        onChange={changed}
        readOnly={readOnly}
        editable={!readOnly}
        extensions={extensions}
        minHeight="320px"
        maxHeight="640px"
        basicSetup={setup}
      />
    </div>
  );
}
