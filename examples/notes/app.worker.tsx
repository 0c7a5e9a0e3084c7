/**
 * Notes demo, in the worker: a list of notes with undo and redo (`undoable`), its model
 * checked by Effect Schemas at the thread boundary (`withSchemas`), so a model read back
 * from storage after a deploy that changed it is refused with the path that no longer fits.
 *
 * The worker URL's query `?schema=v2` stands for the next deploy of this app: every
 * document then has a required `title`, which the records v1 saved lack.
 */
import * as Schema from "effect/Schema"
import { canRedo, canUndo, initUndoable, redo, runProgram, type ShuttleEvent, undo, undoable, type UndoMsg, type VNode } from "shuttle-ui/worker"
import { withSchemas } from "shuttle-ui/worker/schemas"

const Note = Schema.Struct({ id: Schema.Number, text: Schema.String, done: Schema.Boolean })
const DocV1 = Schema.Struct({ draft: Schema.String, notes: Schema.Array(Note), nextId: Schema.Number })
const DocV2 = Schema.Struct({ ...DocV1.fields, title: Schema.String })

const v2 = new URLSearchParams(location.search).get("schema") === "v2"
// One file plays both deploys: v2 runs this code with the extra field set at init (the
// updates below spread the document, so it stays), and checks it with its own Schema.
const Doc = (v2 ? DocV2 : DocV1) as unknown as typeof DocV1
type Doc = typeof Doc.Type

/** The Undoable<Doc> that `undoable` keeps: the document, the ones before it and the ones undone. */
const Model = Schema.Struct({
  present: Doc,
  past: Schema.Array(Doc),
  future: Schema.Array(Doc),
  last: Schema.NullOr(Schema.Struct({ msg: Schema.Unknown, time: Schema.Number }))
})

const Msg = Schema.Union([
  Schema.Struct({ type: Schema.Literal("typed"), text: Schema.String }),
  Schema.Struct({ type: Schema.Literal("add") }),
  Schema.Struct({ type: Schema.Literal("toggle"), id: Schema.Number }),
  Schema.Struct({ type: Schema.Literal("remove"), id: Schema.Number }),
  Schema.Struct({ type: Schema.Literals(["shuttle/undo", "shuttle/redo", "shuttle/clear-history"]) })
])
type NoteMsg = Exclude<typeof Msg.Type, UndoMsg>

declare module "shuttle-ui/worker" {
  interface Register {
    notes: NoteMsg | UndoMsg
  }
}

function update(doc: Doc, msg: NoteMsg): Doc {
  switch (msg.type) {
    case "typed":
      return { ...doc, draft: msg.text }
    case "add": {
      const text = doc.draft.trim()
      if (text === "") return doc
      return { ...doc, draft: "", notes: [...doc.notes, { id: doc.nextId, text, done: false }], nextId: doc.nextId + 1 }
    }
    case "toggle":
      return { ...doc, notes: doc.notes.map((note) => (note.id === msg.id ? { ...note, done: !note.done } : note)) }
    case "remove":
      return { ...doc, notes: doc.notes.filter((note) => note.id !== msg.id) }
  }
}

const onDraft = (event: ShuttleEvent): NoteMsg => ({ type: "typed", text: event.value ?? "" })
const onDraftKey = (event: ShuttleEvent): NoteMsg | undefined => (event.key === "Enter" ? { type: "add" } : undefined)

function view(model: typeof Model.Type): VNode {
  const doc = model.present
  const open = doc.notes.filter((note) => !note.done).length
  return (
    <main class="notes">
      <h1>Notes</h1>
      <div class="toolbar">
        <input id="draft" placeholder="What needs doing?" autocomplete="off" value={doc.draft} onInput={onDraft} onKeyDown={onDraftKey} />
        <button type="button" id="add" onClick={{ type: "add" }} disabled={doc.draft.trim() === ""}>Add</button>
        <button type="button" id="undo" onClick={undo} disabled={!canUndo(model)}>Undo</button>
        <button type="button" id="redo" onClick={redo} disabled={!canRedo(model)}>Redo</button>
      </div>
      {doc.notes.length === 0
        ? <p class="empty">No notes yet.</p>
        : (
          <ul>
            {doc.notes.map((note) => (
              <li key={note.id} class={note.done ? "done" : undefined}>
                <label>
                  <input type="checkbox" class="toggle" checked={note.done} onChange={{ type: "toggle", id: note.id }} />
                  <span class="text">{note.text}</span>
                </label>
                <button type="button" class="remove" onClick={{ type: "remove", id: note.id }}>Remove</button>
              </li>
            ))}
          </ul>
        )}
      <p class="status">{`${open} open, ${doc.notes.length - open} done`}</p>
    </main>
  )
}

const first: Doc = { ...(v2 ? { title: "Notes" } : {}), draft: "", notes: [], nextId: 1 }

runProgram(withSchemas({
  init: initUndoable(first),
  // Typing in the box is no step of its own: undo goes back a whole note, add or toggle.
  update: undoable(update, { ignore: (msg) => msg.type === "typed" }),
  view
}, { model: Model, msg: Msg }))
