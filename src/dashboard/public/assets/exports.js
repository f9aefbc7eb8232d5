/** CSV export links: no key in their address; a click downloads through a signed link. */
import { api } from './api.js';
import { h, toast } from './dom.js';
import { t } from './i18n.js';

/**
 * An `<a>` for the export `name` with `params`: its href names the export and filters (it holds
 * no credential, so on its own it answers 401); a click asks the API for a signed link and
 * downloads it, and says why when that fails.
 */
export function exportLink(name, params, attrs, ...children) {
  const onclick = async (event) => {
    event.preventDefault();
    const link = event.currentTarget;
    link.setAttribute('aria-busy', 'true');
    try {
      await api.downloadExport(name, params);
    } catch (err) {
      toast(t('common.exportFailed', { message: err.message }));
    } finally {
      link.removeAttribute('aria-busy');
    }
  };
  return h('a', { ...attrs, href: api.exportPath(name, params), download: `${name}.csv`, dataset: { export: name }, onclick }, ...children);
}
