// The xlsx reader's caps, with files built here byte by byte: an entry declaring more than the
// cap is refused before anything is inflated; a zip bomb (an entry that lies about its size and
// inflates far beyond it) is stopped by the count while inflating; a cell over Excel's 32,767
// characters is refused. Each a clear Chinese error, nothing imported.
import { describe, it, expect } from 'vitest';
import { crc32, deflateRawSync } from 'node:zlib';
import { validateRoster, ROSTER_COLUMNS } from '../../src/import/roster';
import { ROSTER_MAX_ENTRY_BYTES } from '../../src/import/roster/read';
import { bytesSource, openSheet } from '../../src/sheet/index';

interface Entry {
  name: string;
  data: Buffer;
  /** the uncompressed size written in the zip's headers (a bomb lies here) */
  declared?: number;
}

/** A zip of deflated entries, its headers saying what `declared` says. */
function zip(entries: Entry[]): Uint8Array {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const packed = deflateRawSync(e.data, { level: 9 });
    const name = Buffer.from(e.name, 'utf8');
    const size = e.declared ?? e.data.length;
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, packed);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(8, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(packed.length, 20);
    c.writeUInt32LE(size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    offset += 30 + name.length + packed.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, end]));
}

const xml = (s: string) => Buffer.from(s, 'utf8');
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const inlineRow = (r: number, cells: string[]) =>
  `<row r="${r}">${cells.map((v, i) => `<c r="${String.fromCharCode(65 + i)}${r}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`).join('')}</row>`;

/** A workbook around one sheet's XML (and shared strings, when given). */
function workbook(sheetXml: Buffer, o: { declared?: number; sst?: Buffer } = {}): Uint8Array {
  return zip([
    { name: '[Content_Types].xml', data: xml('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"></Types>') },
    {
      name: 'xl/workbook.xml',
      data: xml('<?xml version="1.0"?><workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: xml(
        '<?xml version="1.0"?><Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
          (o.sst ? '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' : '') +
          '</Relationships>',
      ),
    },
    ...(o.sst ? [{ name: 'xl/sharedStrings.xml', data: o.sst }] : []),
    { name: 'xl/worksheets/sheet1.xml', data: sheetXml, ...(o.declared !== undefined ? { declared: o.declared } : {}) },
  ]);
}

const sheet = (rows: string) => xml(`<?xml version="1.0"?><worksheet><sheetData>${rows}</sheetData></worksheet>`);
const header = inlineRow(1, ROSTER_COLUMNS.map((c) => c.header));

describe('xlsx caps', () => {
  it('reads the workbook built here (the builder is right)', async () => {
    const file = workbook(sheet(header + inlineRow(2, ['01-001', '石门村'])));
    const s = await openSheet(bytesSource(file, 'a.xlsx'));
    const rows: { values: unknown[] }[] = [];
    for await (const b of s.rows()) rows.push(...b);
    expect(rows).toHaveLength(2);
    expect(rows[1]!.values.slice(0, 2)).toEqual(['01-001', '石门村']);
  });

  it('refuses an entry that declares more than the cap before inflating anything', async () => {
    const file = workbook(sheet(header), { declared: ROSTER_MAX_ENTRY_BYTES + 1 });
    const r = await validateRoster({ data: file, name: '花名册.xlsx' });
    expect(r.ok).toBe(false);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.reason).toMatch(/解压后超过 256 MiB，超出导入上限/);
    expect(r.counts.households).toBe(0);
  });

  it('stops a zip bomb (a file of tens of KiB that inflates to 32 MiB while saying 1 KiB) at the cap, counting while inflating', async () => {
    // 32 MiB of empty rows: deflate packs it about 1000 to 1
    const bomb = Buffer.concat([xml('<?xml version="1.0"?><worksheet><sheetData>'), xml(header), Buffer.alloc(32 * 2 ** 20, '<row/>'), xml('</sheetData></worksheet>')]);
    const file = workbook(bomb, { declared: 1024 });
    expect(file.byteLength).toBeLessThan(128 * 1024);
    const s = await openSheet(bytesSource(file, 'bomb.xlsx'), { maxEntryBytes: 16 * 2 ** 20 });
    let rows = 0;
    const read = async () => {
      for await (const b of s.rows()) rows += b.length;
    };
    await expect(read()).rejects.toThrow(/“xl\/worksheets\/sheet1\.xml”解压后超过 16 MiB，超出导入上限：文件可能已损坏，或请拆分成几个文件后再导入/);
    expect(rows).toBeLessThan(16 * 2 ** 20 / 6 + 10);
  });

  it('refuses a cell over 32,767 characters, inline or shared', async () => {
    const long = '很'.repeat(32_768);
    const inline = workbook(sheet(header + inlineRow(2, ['01-001', long])));
    const a = await validateRoster({ data: inline, name: 'a.xlsx' });
    expect(a.ok).toBe(false);
    expect(a.errors[0]!.reason).toMatch(/单元格超过 32767 个字符（Excel 单元格的上限）/);
    const sst = xml(`<?xml version="1.0"?><sst count="1" uniqueCount="1"><si><t>${long}</t></si></sst>`);
    const shared = workbook(sheet(`${header}<row r="2"><c r="A2" t="s"><v>0</v></c></row>`), { sst });
    const b = await validateRoster({ data: shared, name: 'b.xlsx' });
    expect(b.ok).toBe(false);
    expect(b.errors[0]!.reason).toMatch(/单元格超过 32767 个字符/);
    // exactly the limit is a cell like any other (the row is then judged by the roster's rules)
    const edge = await validateRoster({ data: workbook(sheet(header + inlineRow(2, ['01-001', '很'.repeat(32_767)]))), name: 'c.xlsx' });
    expect(edge.errors.some((e) => /32767 个字符/.test(e.reason))).toBe(false);
  });
});
