import { rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../config/schema.js';
import { brokenCopy, configErrorOf, copyConfig, expectSingleIssue, removeCopies } from './helpers.js';

describe('config loader: mistakes give a ConfigError naming the file and the field', () => {
  afterEach(removeCopies);

  describe('file level', () => {
    it('reports a missing file as "file not found"', () => {
      const dir = copyConfig();
      rmSync(join(dir, 'windows.json'));
      const msg = expectSingleIssue(configErrorOf(dir), '/windows.json', '');
      expect(msg).to.match(/windows\.json: file not found$/);
    });

    it('reports bad JSON syntax with its line and column', () => {
      const dir = copyConfig();
      writeFileSync(join(dir, 'staff.json'), '{\n  "staff": [\n    { "id": "staff1", }\n  ]\n}\n');
      const msg = expectSingleIssue(configErrorOf(dir), '/staff.json', '');
      expect(msg).to.match(/staff\.json: invalid JSON: .*\(line 3, column \d+\)/);
    });

    it('names files relative to the working folder when the config lies inside it', () => {
      const dir = brokenCopy('hall.json', (j) => {
        j.voice.repeat = 9;
      });
      const before = process.cwd();
      process.chdir(join(dir, '..'));
      try {
        const err = configErrorOf(dir);
        expect(err.issues[0]!.file).to.equal(join(basename(dir), 'hall.json'));
        expect(err.message.startsWith(`${join(basename(dir), 'hall.json')}: voice.repeat: `)).to.equal(true);
      } finally {
        process.chdir(before);
      }
    });

    it('accepts a file saved with a byte-order mark', () => {
      const dir = copyConfig();
      writeFileSync(join(dir, 'staff.json'), '\uFEFF{"staff": []}');
      expect(loadConfig(dir).staff).to.deep.equal([]);
    });

    it('reports every broken file at once, not only the first', () => {
      const dir = brokenCopy('hall.json', (j) => {
        j.voice.repeat = 0;
      });
      rmSync(join(dir, 'calendar.json'));
      const err = configErrorOf(dir);
      expect(err.issues.map((i) => i.path)).to.have.members(['voice.repeat', '']);
      expect(err.message).to.match(/^2 problems in the hall configuration:\n/);
      expect(err.message).to.contain('hall.json: voice.repeat: ');
      expect(err.message).to.contain('calendar.json: file not found');
    });
  });

  describe('schema', () => {
    it('rejects an unknown key and names it in the path', () => {
      const dir = brokenCopy('sections.json', (j) => {
        j.sections[0].services[1].feess = '不收费';
      });
      const msg = expectSingleIssue(configErrorOf(dir), '/sections.json', 'sections[0].services[1].feess');
      expect(msg).to.contain('unknown key');
    });

    it('rejects an unknown key at the top of a file', () => {
      const dir = brokenCopy('hall.json', (j) => {
        j.ticketingHour = null;
      });
      expectSingleIssue(configErrorOf(dir), '/hall.json', 'ticketingHour');
    });

    it('rejects a value of the wrong type', () => {
      const dir = brokenCopy('windows.json', (j) => {
        j.windows[3].number = '4';
      });
      const msg = expectSingleIssue(configErrorOf(dir), '/windows.json', 'windows[3].number');
      expect(msg).to.contain('expected number, received string');
    });

    it('says "required" for a missing field', () => {
      const dir = brokenCopy('sections.json', (j) => {
        delete j.sections[4].services[2].fees;
      });
      const msg = expectSingleIssue(configErrorOf(dir), '/sections.json', 'sections[4].services[2].fees');
      expect(msg).to.contain('required (expected string)');
    });

    it('rejects a prefix that is not one capital letter', () => {
      for (const prefix of ['AB', 'a', '1', '']) {
        const dir = brokenCopy('sections.json', (j) => {
          j.sections[3].prefix = prefix;
        });
        const msg = expectSingleIssue(configErrorOf(dir), '/sections.json', 'sections[3].prefix');
        expect(msg).to.contain('must be one capital letter A–Z');
      }
    });

    it('rejects an unknown service kind and window policy', () => {
      const dir = brokenCopy('sections.json', (j) => {
        j.sections[0].services[0].kind = 'instant';
      });
      expectSingleIssue(configErrorOf(dir), '/sections.json', 'sections[0].services[0].kind');
      const dir2 = brokenCopy('windows.json', (j) => {
        j.windows[0].policy = 'round-robin';
      });
      expectSingleIssue(configErrorOf(dir2), '/windows.json', 'windows[0].policy');
    });

    it('rejects a service guide with an empty item', () => {
      const dir = brokenCopy('sections.json', (j) => {
        j.sections[1].services[0].basis = [];
      });
      expectSingleIssue(configErrorOf(dir), '/sections.json', 'sections[1].services[0].basis');
      const dir2 = brokenCopy('sections.json', (j) => {
        j.sections[1].services[0].contact = '   ';
      });
      const msg = expectSingleIssue(configErrorOf(dir2), '/sections.json', 'sections[1].services[0].contact');
      expect(msg).to.contain('must not be empty');
    });

    it('rejects a fractional or negative time limit', () => {
      const dir = brokenCopy('sections.json', (j) => {
        j.sections[0].services[0].legalLimitDays = 2.5;
      });
      expectSingleIssue(configErrorOf(dir), '/sections.json', 'sections[0].services[0].legalLimitDays');
      const dir2 = brokenCopy('sections.json', (j) => {
        j.sections[0].services[0].promisedLimitDays = -1;
      });
      expectSingleIssue(configErrorOf(dir2), '/sections.json', 'sections[0].services[0].promisedLimitDays');
    });

    it('rejects a time that is not HH:MM', () => {
      const dir = brokenCopy('hall.json', (j) => {
        j.selfService.hours = { open: '8:30', close: '17:30' };
      });
      const msg = expectSingleIssue(configErrorOf(dir), '/hall.json', 'selfService.hours.open');
      expect(msg).to.contain('HH:MM');
    });

    it('rejects a staff member whose role is not clerk', () => {
      const dir = brokenCopy('staff.json', (j) => {
        j.staff[0].role = 'manager';
      });
      expectSingleIssue(configErrorOf(dir), '/staff.json', 'staff[0].role');
    });

    it('rejects a rule outside its range', () => {
      const dir = brokenCopy('hall.json', (j) => {
        j.rules.normalPerPriority = 0;
      });
      expectSingleIssue(configErrorOf(dir), '/hall.json', 'rules.normalPerPriority');
    });
  });

  describe('checks across fields', () => {
    it('rejects a promised limit above the legal one, quoting the legal limit', () => {
      const dir = brokenCopy('sections.json', (j) => {
        j.sections[2].services[0].legalLimitDays = 20;
        j.sections[2].services[0].promisedLimitDays = 21;
      });
      const err = configErrorOf(dir);
      expectSingleIssue(err, '/sections.json', 'sections[2].services[0].promisedLimitDays');
      expect(err.message).to.equal(`${err.issues[0]!.file}: sections[2].services[0].promisedLimitDays: must be ≤ legalLimitDays (20)`);
    });

    it('rejects a duplicate prefix, pointing at the second use', () => {
      const dir = brokenCopy('sections.json', (j) => {
        j.sections[5].prefix = j.sections[1].prefix;
      });
      const msg = expectSingleIssue(configErrorOf(dir), '/sections.json', 'sections[5].prefix');
      expect(msg).to.contain('duplicate prefix "B" (first at sections[1].prefix)');
    });

    it('rejects a duplicate section id', () => {
      const dir = brokenCopy('sections.json', (j) => {
        j.sections[6].id = 'tax';
      });
      // The windows that served the renamed section now point at the surviving one, so only the id is wrong…
      const err = configErrorOf(dir);
      expect(err.issues.map((i) => i.path)).to.include('sections[6].id');
    });

    it('rejects a service code used twice in the hall, even across sections', () => {
      const dir = brokenCopy('sections.json', (j) => {
        j.sections[3].services[1].code = j.sections[0].services[0].code;
      });
      const msg = expectSingleIssue(configErrorOf(dir), '/sections.json', 'sections[3].services[1].code');
      expect(msg).to.contain('duplicate service code "A01"');
    });

    it('rejects an appointment slot that ends before it starts', () => {
      const dir = brokenCopy('sections.json', (j) => {
        j.sections[0].appointmentSlots = [{ start: '10:00', end: '09:00', capacity: 10 }];
      });
      const msg = expectSingleIssue(configErrorOf(dir), '/sections.json', 'sections[0].appointmentSlots[0].end');
      expect(msg).to.contain('must be later than start (10:00)');
    });

    it('rejects overlapping appointment slots', () => {
      const dir = brokenCopy('sections.json', (j) => {
        j.sections[0].appointmentSlots = [
          { start: '10:00', end: '11:00', capacity: 10 },
          { start: '09:00', end: '10:30', capacity: 10 },
        ];
      });
      const msg = expectSingleIssue(configErrorOf(dir), '/sections.json', 'sections[0].appointmentSlots[0].start');
      expect(msg).to.contain('overlaps appointmentSlots[1] (09:00–10:30)');
    });

    it('rejects ticketing hours that close before they open', () => {
      const dir = brokenCopy('hall.json', (j) => {
        j.ticketingHours = { open: '17:00', close: '08:30' };
      });
      // Slots outside the (inverted) hours are reported too; the hours themselves must be among the issues.
      const err = configErrorOf(dir);
      const hours = err.issues.filter((i) => i.file.endsWith('/hall.json'));
      expect(hours.map((i) => i.path)).to.deep.equal(['ticketingHours.close']);
      expect(err.message).to.contain('ticketingHours.close: must be later than open (17:00)');
    });

    it('accepts real-hall ticketing hours that cover every appointment slot', () => {
      const dir = brokenCopy('hall.json', (j) => {
        j.ticketingHours = { open: '08:30', close: '17:00' };
      });
      expect(loadConfig(dir).setup.ticketingHours).to.deep.equal({ open: '08:30', close: '17:00' });
    });

    it('rejects an appointment slot outside the ticketing hours', () => {
      const dir = brokenCopy('hall.json', (j) => {
        j.ticketingHours = { open: '09:00', close: '16:30' };
      });
      const err = configErrorOf(dir);
      // Every section's 16:00–17:00 slot ends after 16:30.
      expect(err.issues).to.have.length(7);
      expect(err.issues.every((i) => i.file.endsWith('/sections.json') && /appointmentSlots\[5\]$/.test(i.path))).to.equal(true);
      expect(err.message).to.contain('must lie within ticketingHours 09:00–16:30');
    });

    it('rejects English notices that do not match the Chinese ones one to one', () => {
      const dir = brokenCopy('hall.json', (j) => {
        j.hall.noticesEn.pop();
      });
      expectSingleIssue(configErrorOf(dir), '/hall.json', 'hall.noticesEn');
    });

    it('rejects English rating reasons that do not match the Chinese ones one to one', () => {
      const dir = brokenCopy('hall.json', (j) => {
        j.pad.negativeReasonsEn.push('Extra');
      });
      expectSingleIssue(configErrorOf(dir), '/hall.json', 'pad.negativeReasonsEn');
    });

    it('rejects a duplicate kiosk id and a duplicate staff number', () => {
      const dir = brokenCopy('hall.json', (j) => {
        j.kiosks[1].id = j.kiosks[0].id;
      });
      expectSingleIssue(configErrorOf(dir), '/hall.json', 'kiosks[1].id');
      const dir2 = brokenCopy('staff.json', (j) => {
        j.staff[11].staffNo = j.staff[0].staffNo;
      });
      expectSingleIssue(configErrorOf(dir2), '/staff.json', 'staff[11].staffNo');
    });
  });

  describe('checks across files', () => {
    it('rejects a window pointing at a missing section', () => {
      const dir = brokenCopy('windows.json', (j) => {
        j.windows[0].sectionIds[1] = 'taxes';
      });
      const err = configErrorOf(dir);
      const msg = expectSingleIssue(err, '/windows.json', 'windows[0].sectionIds[1]');
      expect(msg).to.contain('no section has id "taxes"');
    });

    it('rejects a section that no window serves', () => {
      const dir = brokenCopy('windows.json', (j) => {
        for (const w of j.windows) w.sectionIds = w.sectionIds.filter((s: string) => s !== 'housing-fund');
      });
      const msg = expectSingleIssue(configErrorOf(dir), '/windows.json', 'windows');
      expect(msg).to.contain('no window serves section "housing-fund" (G 住房公积金)');
    });

    it('rejects duplicate window ids and numbers', () => {
      const dir = brokenCopy('windows.json', (j) => {
        j.windows[11].number = 1;
      });
      const msg = expectSingleIssue(configErrorOf(dir), '/windows.json', 'windows[11].number');
      expect(msg).to.contain('duplicate window number 1 (first at windows[0].number)');
      const dir2 = brokenCopy('windows.json', (j) => {
        j.windows[5].id = 'w5';
      });
      expectSingleIssue(configErrorOf(dir2), '/windows.json', 'windows[5].id');
    });

    it('rejects weights on a window whose policy is not weighted, and weights for sections it does not serve', () => {
      const dir = brokenCopy('windows.json', (j) => {
        j.windows[0].weights = { company: 2 };
      });
      const msg = expectSingleIssue(configErrorOf(dir), '/windows.json', 'windows[0].weights');
      expect(msg).to.contain('only used with policy "weighted"');
      const dir2 = brokenCopy('windows.json', (j) => {
        j.windows[1].weights.property = 2;
      });
      expectSingleIssue(configErrorOf(dir2), '/windows.json', 'windows[1].weights.property');
    });

    it('rejects a section listed twice on one window', () => {
      const dir = brokenCopy('windows.json', (j) => {
        j.windows[2].sectionIds = ['company', 'company'];
      });
      expectSingleIssue(configErrorOf(dir), '/windows.json', 'windows[2].sectionIds[1]');
    });
  });

  describe('calendar', () => {
    it('rejects a date that does not exist', () => {
      const dir = brokenCopy('calendar.json', (j) => {
        j.holidays[0] = '2026-02-30';
      });
      const msg = expectSingleIssue(configErrorOf(dir), '/calendar.json', 'holidays[0]');
      expect(msg).to.contain('is not a date in the calendar');
    });

    it('rejects a date not written YYYY-MM-DD', () => {
      const dir = brokenCopy('calendar.json', (j) => {
        j.workdays[0] = '2026/1/4';
      });
      const msg = expectSingleIssue(configErrorOf(dir), '/calendar.json', 'workdays[0]');
      expect(msg).to.contain('must be a date YYYY-MM-DD');
    });

    it('rejects a day listed both as holiday and as workday', () => {
      const dir = brokenCopy('calendar.json', (j) => {
        j.workdays.push('2026-10-03');
      });
      const msg = expectSingleIssue(configErrorOf(dir), '/calendar.json', 'workdays[6]');
      expect(msg).to.contain('2026-10-03 is also listed as a holiday');
    });

    it('rejects a make-up workday that falls on a weekday', () => {
      const dir = brokenCopy('calendar.json', (j) => {
        j.workdays[0] = '2026-01-05';
      });
      const msg = expectSingleIssue(configErrorOf(dir), '/calendar.json', 'workdays[0]');
      expect(msg).to.contain('is a weekday');
    });

    it('rejects a date listed twice', () => {
      const dir = brokenCopy('calendar.json', (j) => {
        j.holidays.push('2026-01-01');
      });
      expectSingleIssue(configErrorOf(dir), '/calendar.json', `holidays[33]`);
    });
  });

  it('ConfigError carries the stable code CONFIG_INVALID and the structured issues', () => {
    const err = new ConfigError([{ file: 'config/x.json', path: 'a[0].b', message: 'broken' }]);
    expect(err).to.be.instanceOf(Error);
    expect(err.name).to.equal('ConfigError');
    expect(err.code).to.equal('CONFIG_INVALID');
    expect(err.message).to.equal('config/x.json: a[0].b: broken');
  });
});
