import { useState } from 'react';
import { useVms } from '../stores/vms.js';
import { VmQuestion, type Question } from './VmQuestions.js';
import { VmRow } from './VmRow.js';

export function VmList() {
  const names = useVms((s) => s.names);
  const loaded = useVms((s) => s.loaded);
  const listError = useVms((s) => s.errors['']);
  const notice = useVms((s) => s.notice);
  const [question, setQuestion] = useState<Question>();
  if (!loaded) return <p className="empty">Loading…</p>;
  return (
    <section aria-label="Virtual machines">
      {listError && <p role="alert" className="error">{listError.message}</p>}
      {notice && <p role="status" className="notice">{notice}</p>}
      {names.length === 0 ? (
        <p className="empty">No virtual machines yet. Click “New VM” to make one.</p>
      ) : (
        <table className="vm-list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">State</th>
              <th scope="col">CPUs</th>
              <th scope="col">Memory</th>
              <th scope="col">Backend</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {names.map((name) => (
              <VmRow key={name} name={name} ask={setQuestion} />
            ))}
          </tbody>
        </table>
      )}
      {question && <VmQuestion question={question} onDone={() => setQuestion(undefined)} />}
    </section>
  );
}
