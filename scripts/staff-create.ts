/**
 * npm run staff:create -- --username admin --name "Nguyễn Văn A" --role admin
 * npm run staff:create -- --username xa.4 --name "Trần Thị B" --role commune_worker --commune 00004 --password-stdin < pw.txt
 *
 * Creates a staff account (the first administrator, or anyone) in the database the app uses (DATABASE_URL, or
 * PGlite in DATA_DIR). The password is never a command-line argument (it would land in shell history and `ps`):
 * --password-stdin reads it from a pipe; otherwise it is typed without echo on a terminal, or — when there is no
 * terminal — a strong one is generated and printed ONCE on stdout. Everything else goes to stderr.
 */
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../src/config.js";
import { openDatabase } from "../src/db/open.js";
import { createStaff, generatePassword } from "../src/staff/create-staff.js";
import { checkPasswordPolicy } from "../src/staff/passwords.js";
import { ROLES } from "../src/staff/permissions.js";

const USAGE = `Cách dùng: npm run staff:create -- --username <tên> --name "<họ tên>" --role <vai trò> [--province 01] [--commune 00004] [--password-stdin]
  --role       ${ROLES.join(" | ")}
  --province   mã tỉnh (2 chữ số), lặp lại hoặc cách nhau bằng dấu phẩy; bắt buộc với province_officer
  --commune    mã xã (5 chữ số), lặp lại hoặc cách nhau bằng dấu phẩy; bắt buộc với commune_worker
  --password-stdin  đọc mật khẩu từ stdin (dòng đầu tiên)
Không có mật khẩu: nhập ẩn trên terminal, hoặc tạo ngẫu nhiên và in ra MỘT lần.`;

class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

function splitCodes(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
}

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    chunks.push(buf);
    size += buf.length;
    if (size > 64 * 1024) throw new CliError("Dữ liệu stdin quá dài.");
  }
  const text = Buffer.concat(chunks).toString("utf8");
  return (text.split(/\r?\n/)[0] ?? "");
}

/** Reads a line from the terminal without echoing it (raw mode; handles backspace and Ctrl-C). */
function readHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.setEncoding("utf8");
    stdin.resume();
    let buf = "";
    const finish = () => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener("data", onData);
      process.stderr.write("\n");
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") {
          finish();
          resolve(buf);
          return;
        }
        if (ch === "\u0003") {
          finish();
          reject(new CliError("Đã huỷ.", 130));
          return;
        }
        if (ch === "\u007f" || ch === "\b") buf = [...buf].slice(0, -1).join("");
        else buf += ch;
      }
    };
    stdin.on("data", onData);
  });
}

async function main(argv: string[]): Promise<void> {
  if (argv.some((a) => a === "--password" || a.startsWith("--password="))) {
    throw new CliError("Không nhận mật khẩu qua tham số dòng lệnh (lộ trong lịch sử shell). Dùng --password-stdin hoặc nhập khi được hỏi.", 2);
  }
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        username: { type: "string" },
        name: { type: "string" },
        role: { type: "string" },
        province: { type: "string", multiple: true },
        commune: { type: "string", multiple: true },
        "password-stdin": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new CliError(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`, 2);
  }
  if (values.help) {
    process.stderr.write(USAGE + "\n");
    return;
  }
  if (!values.username || !values.name || !values.role) throw new CliError(`Thiếu --username, --name hoặc --role.\n${USAGE}`, 2);

  const config = loadConfig();
  let password: string;
  let generated = false;
  if (values["password-stdin"]) {
    password = await readStdinLine();
  } else if (process.stdin.isTTY) {
    password = await readHidden("Mật khẩu (ít nhất 10 ký tự): ");
    const policy = checkPasswordPolicy(password, { username: values.username, displayName: values.name });
    if (!policy.ok) throw new CliError(policy.problems.join("\n"));
    if ((await readHidden("Nhập lại mật khẩu: ")) !== password) throw new CliError("Hai lần nhập mật khẩu không khớp.");
  } else {
    password = generatePassword();
    generated = true;
  }

  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 2 });
  try {
    const result = await createStaff(
      db.prisma,
      { username: values.username, displayName: values.name, role: values.role, provinceCodes: splitCodes(values.province), communeCodes: splitCodes(values.commune), password },
      { actor: "system", via: "cli" },
    );
    if (!result.ok) throw new CliError(result.problems.join("\n"));
    process.stderr.write(`Đã tạo tài khoản "${result.staff.username}" (vai trò ${result.staff.role}, id ${result.staff.id}).\n`);
    if (generated) {
      process.stderr.write("Mật khẩu được tạo ngẫu nhiên, chỉ hiện MỘT lần — hãy lưu vào nơi an toàn:\n");
      process.stdout.write(password + "\n");
    }
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof CliError) {
      process.stderr.write(`Lỗi: ${err.message}\n`);
      process.exit(err.exitCode);
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`Lỗi cấu hình: ${err.message}\n`);
      process.exit(2);
    }
    // Unexpected (database unreachable…): the error's name and message, never the password or its hash.
    process.stderr.write(`Lỗi: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
    process.exit(1);
  },
);
