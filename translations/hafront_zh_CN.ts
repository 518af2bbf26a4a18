<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CertificateCheck</name>
    <message>
        <source>%1 (not after %2)</source>
        <translation>%1（有效期至 %2）</translation>
    </message>
    <message>
        <source>Nodes serve different certificates for %1</source>
        <translation>各节点为 %1 提供的证书不一致</translation>
    </message>
    <message>
        <source>Listener %1, %2 — %3. A renewal reached some nodes only: install the same files on every node and reload it (SIGHUP).</source>
        <translation>监听器 %1，%2 — %3。续期只到达了部分节点：请在每个节点上安装相同的文件并重新加载（SIGHUP）。</translation>
    </message>
    <message>
        <source>Certificate for %1 has expired</source>
        <translation>%1 的证书已过期</translation>
    </message>
    <message>
        <source>Listener %1: %2 (%3, %4) expired on %5 and is still served by %6.</source>
        <translation>监听器 %1：%2（%3，%4）已于 %5 过期，%6 仍在使用它。</translation>
    </message>
    <message numerus="yes">
        <source>Certificate for %1 expires in %n day(s)</source>
        <translation>
            <numerusform>%1 的证书将在 %n 天后过期</numerusform>
        </translation>
    </message>
    <message>
        <source>Listener %1: %2 (%3, %4) is valid until %5; served by %6. Renew it.</source>
        <translation>监听器 %1：%2（%3，%4）有效期至 %5；由 %6 提供。请续期。</translation>
    </message>
</context>
<context>
    <name>ChangeWatch</name>
    <message>
        <source>no owner</source>
        <translation>无所有者</translation>
    </message>
    <message>
        <source>VIP %1 owner changed</source>
        <translation>VIP %1 所有者已变更</translation>
    </message>
    <message>
        <source>VIP %1 (%2): %3 → %4</source>
        <translation>VIP %1（%2）：%3 → %4</translation>
    </message>
    <message>
        <source>Backend %1 down</source>
        <translation>后端 %1 已宕机</translation>
    </message>
    <message>
        <source>Backend %1 up</source>
        <translation>后端 %1 已恢复</translation>
    </message>
    <message>
        <source>%1 (%2) is down: %3</source>
        <translation>%1（%2）已宕机：%3</translation>
    </message>
    <message>
        <source>%1 (%2) is up again: %3</source>
        <translation>%1（%2）已恢复：%3</translation>
    </message>
    <message>
        <source>Certificates for %1 agree again</source>
        <translation>%1 的证书已重新一致</translation>
    </message>
    <message>
        <source>Listener %1: the connected nodes serve the same certificates for %2.</source>
        <translation>监听器 %1：已连接的节点为 %2 提供相同的证书。</translation>
    </message>
    <message>
        <source>Certificate warning for %1 cleared</source>
        <translation>%1 的证书警告已解除</translation>
    </message>
    <message>
        <source>Listener %1: no connected node serves the certificate of %2 that %3 reported any more.</source>
        <translation>监听器 %1：已连接的节点均不再提供 %3 报告的 %2 证书。</translation>
    </message>
</context>
<context>
    <name>ClusterModel</name>
    <message>
        <source>not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>正在连接</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>reconnecting in %1 s: %2</source>
        <translation>%1 秒后重连：%2</translation>
    </message>
    <message>
        <source>reconnecting: %1</source>
        <translation>正在重连：%1</translation>
    </message>
    <message>
        <source>unreachable: %1</source>
        <translation>不可达：%1</translation>
    </message>
    <message>
        <source>connected over %1</source>
        <translation>已通过 %1 连接</translation>
    </message>
</context>
<context>
    <name>ClusterSession</name>
    <message>
        <source>applied on %1/%2 nodes</source>
        <translation>已在 %1/%2 个节点上生效</translation>
    </message>
    <message>
        <source>not a node of this cluster</source>
        <translation>不是本集群的节点</translation>
    </message>
</context>
<context>
    <name>FailoverWatch</name>
    <message>
        <source>no owner</source>
        <translation>无所有者</translation>
    </message>
    <message>
        <source>%1 moved %2 → %3 in %4 ms</source>
        <translation>%1 已从 %2 迁移到 %3，用时 %4 毫秒</translation>
    </message>
    <message>
        <source>%1 moved %2 → %3 in %4 ms (console clock)</source>
        <translation>%1 已从 %2 迁移到 %3，用时 %4 毫秒（控制台时钟）</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>node %1 sent no status within %2 s: %3</source>
        <translation>节点 %1 在 %2 秒内没有发送状态：%3</translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation>无法写入 %1</translation>
    </message>
    <message>
        <source>Cluster config to open.</source>
        <translation>要打开的集群配置。</translation>
    </message>
    <message>
        <source>UI language, e.g. zh_CN.</source>
        <translation>界面语言，例如 zh_CN。</translation>
    </message>
    <message>
        <source>Render the window to OUT.png and exit.</source>
        <translation>将窗口渲染到 OUT.png 后退出。</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>Unknown SSH host key</source>
        <translation>未知的 SSH 主机密钥</translation>
    </message>
    <message>
        <source>The authenticity of %1 (%2) cannot be established: its key is not in known_hosts.</source>
        <translation>无法确认 %1（%2）的真实性：其密钥不在 known_hosts 中。</translation>
    </message>
    <message>
        <source>Key fingerprint:
%1

Compare it with the host&apos;s own (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) before you accept. Accepting records it in ~/.ssh/known_hosts.</source>
        <translation>密钥指纹：
%1

接受前请与该主机自己的指纹比对（ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub）。接受后会记录到 ~/.ssh/known_hosts。</translation>
    </message>
    <message>
        <source>Accept and connect</source>
        <translation>接受并连接</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>SSH key passphrase for %1</source>
        <translation>%1 的 SSH 密钥口令</translation>
    </message>
</context>
<context>
    <name>WeightChange</name>
    <message>
        <source>weight of %1/%2 %3 → %4</source>
        <translation>%1/%2 的权重 %3 → %4</translation>
    </message>
    <message>
        <source>weight of %1/%2 set to %3</source>
        <translation>%1/%2 的权重设为 %3</translation>
    </message>
</context>
<context>
    <name>hafront::drill::DrillChart</name>
    <message>
        <source>failed probe</source>
        <translation>失败的探测</translation>
    </message>
    <message>
        <source>latency (ms)</source>
        <translation>延迟（毫秒）</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>毫秒</translation>
    </message>
    <message>
        <source>operator action</source>
        <translation>操作员动作</translation>
    </message>
    <message>
        <source>seconds since probing started</source>
        <translation>探测开始后的秒数</translation>
    </message>
</context>
<context>
    <name>hafront::drill::DrillDialog</name>
    <message>
        <source> probes/s</source>
        <translation> 次探测/秒</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <source>Abort</source>
        <translation>中止</translation>
    </message>
    <message>
        <source>Aborted (%8). Downtime %1 ms (predicted %2 ms), %3 of %4 probes failed; master %5 → %6 → %7.</source>
        <translation>已中止（%8）。中断 %1 毫秒（预测 %2 毫秒），%4 次探测中 %3 次失败；主节点 %5 → %6 → %7。</translation>
    </message>
    <message>
        <source>All pre-checks passed.</source>
        <translation>所有预检查均已通过。</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Crash (master goes silent)</source>
        <translation>崩溃（主节点静默）</translation>
    </message>
    <message>
        <source>Downtime %1 ms (predicted %2 ms), %3 of %4 probes failed; master %5 → %6 → %7.</source>
        <translation>中断 %1 毫秒（预测 %2 毫秒），%4 次探测中 %3 次失败；主节点 %5 → %6 → %7。</translation>
    </message>
    <message>
        <source>Downtime</source>
        <translation>中断时间</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Export HTML…</source>
        <translation>导出 HTML…</translation>
    </message>
    <message>
        <source>Export JSON…</source>
        <translation>导出 JSON…</translation>
    </message>
    <message>
        <source>Export drill report</source>
        <translation>导出演练报告</translation>
    </message>
    <message>
        <source>Fail back to the original master</source>
        <translation>切回原主节点</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Failover drill: VIP %1</source>
        <translation>故障切换演练：VIP %1</translation>
    </message>
    <message>
        <source>Graceful (planned handover)</source>
        <translation>平滑（计划内切换）</translation>
    </message>
    <message>
        <source>HTML (*.html)</source>
        <translation>HTML (*.html)</translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>Past drills</source>
        <translation>历史演练</translation>
    </message>
    <message>
        <source>Phase</source>
        <translation>阶段</translation>
    </message>
    <message>
        <source>Pre-check</source>
        <translation>预检查</translation>
    </message>
    <message>
        <source>Predicted</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>Probe URL</source>
        <translation>探测地址</translation>
    </message>
    <message>
        <source>Probes</source>
        <translation>探测次数</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>速率</translation>
    </message>
    <message>
        <source>Ready.</source>
        <translation>就绪。</translation>
    </message>
    <message>
        <source>Refused: %1</source>
        <translation>已拒绝：%1</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Run drill</source>
        <translation>开始演练</translation>
    </message>
    <message>
        <source>aborted by the operator</source>
        <translation>被操作员中止</translation>
    </message>
    <message>
        <source>dialog closed</source>
        <translation>对话框已关闭</translation>
    </message>
    <message>
        <source>http://A.B.C.D:PORT/path or tcp://A.B.C.D:PORT</source>
        <translation>http://A.B.C.D:端口/路径 或 tcp://A.B.C.D:端口</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>正常</translation>
    </message>
</context>
<context>
    <name>hafront::drill::DrillRunner</name>
    <message>
        <source>VIP &apos;%1&apos; is not in the cluster config</source>
        <translation>VIP“%1”不在集群配置中</translation>
    </message>
    <message>
        <source>connecting to %1 nodes</source>
        <translation>正在连接 %1 个节点</translation>
    </message>
    <message>
        <source>timeout: the drill took longer than %1 s</source>
        <translation>超时：演练超过了 %1 秒</translation>
    </message>
    <message>
        <source>the probe URL gave no successful answer before the move (%1)</source>
        <translation>迁移前探测地址没有成功应答（%1）</translation>
    </message>
    <message>
        <source>%1 is master now</source>
        <translation>%1 现在是主节点</translation>
    </message>
    <message>
        <source>maintenance on (no failback)</source>
        <translation>进入维护（不切回）</translation>
    </message>
    <message>
        <source>no backup became master within %1 ms</source>
        <translation>%1 毫秒内没有备用节点成为主节点</translation>
    </message>
    <message>
        <source>%1 is master again</source>
        <translation>%1 重新成为主节点</translation>
    </message>
    <message>
        <source>%1 did not become master again within %2 ms</source>
        <translation>%1 在 %2 毫秒内没有重新成为主节点</translation>
    </message>
    <message>
        <source>measuring clock offsets</source>
        <translation>正在测量时钟偏差</translation>
    </message>
    <message>
        <source>probing %1 at %2/s</source>
        <translation>以每秒 %2 次探测 %1</translation>
    </message>
    <message>
        <source>no link to %1</source>
        <translation>没有到 %1 的连接</translation>
    </message>
    <message>
        <source>the move was refused: %1</source>
        <translation>迁移被拒绝：%1</translation>
    </message>
    <message>
        <source>simulate crash for %1 ms</source>
        <translation>模拟崩溃 %1 毫秒</translation>
    </message>
    <message>
        <source>force-master</source>
        <translation>强制主节点</translation>
    </message>
    <message>
        <source>maintenance on</source>
        <translation>进入维护</translation>
    </message>
    <message>
        <source>failover: %1 gives VIP %2 away</source>
        <translation>故障切换：%1 交出 VIP %2</translation>
    </message>
    <message>
        <source>release</source>
        <translation>解除</translation>
    </message>
    <message>
        <source>maintenance off</source>
        <translation>退出维护</translation>
    </message>
    <message>
        <source>failback to %1</source>
        <translation>切回 %1</translation>
    </message>
    <message>
        <source>restore: maintenance off</source>
        <translation>恢复：退出维护</translation>
    </message>
    <message>
        <source>restore: release</source>
        <translation>恢复：解除</translation>
    </message>
    <message>
        <source>aborted (%1): restoring %2 as master</source>
        <translation>已中止（%1）：正在恢复 %2 为主节点</translation>
    </message>
</context>
<context>
    <name>hafront::link::AgentLink</name>
    <message>
        <source>link to %1 closed</source>
        <translation>到 %1 的连接已关闭</translation>
    </message>
    <message>
        <source>link to %1 stopped</source>
        <translation>到 %1 的连接已停止</translation>
    </message>
    <message>
        <source>socket error</source>
        <translation>套接字错误</translation>
    </message>
    <message>
        <source>the agent closed the connection</source>
        <translation>代理关闭了连接</translation>
    </message>
    <message>
        <source>no agent socket at %1 (is hafront-agent running?)</source>
        <translation>%1 处没有代理套接字（hafront-agent 是否在运行？）</translation>
    </message>
    <message>
        <source>bad frame from the agent: %1</source>
        <translation>代理发来的帧有误：%1</translation>
    </message>
    <message>
        <source>connection to %1 lost: %2</source>
        <translation>与 %1 的连接中断：%2</translation>
    </message>
    <message>
        <source>not connected to %1%2</source>
        <translation>未连接到 %1%2</translation>
    </message>
    <message>
        <source>no answer from %1 within %2 ms</source>
        <translation>%1 在 %2 毫秒内没有应答</translation>
    </message>
    <message>
        <source>unix socket</source>
        <translation>Unix 套接字</translation>
    </message>
    <message>
        <source>SSH (%1)</source>
        <translation>SSH（%1）</translation>
    </message>
    <message>
        <source>SSH</source>
        <translation>SSH</translation>
    </message>
    <message>
        <source>no word from the agent for %1 s</source>
        <translation>代理已 %1 秒没有消息</translation>
    </message>
</context>
<context>
    <name>hafront::link::SshChannel</name>
    <message>
        <source>cannot connect to %1: %2</source>
        <translation>无法连接到 %1：%2</translation>
    </message>
    <message>
        <source>REFUSED: the host key of %1 has CHANGED since it was recorded in %2; it is now %3. Someone may be intercepting the connection, or the host was reinstalled. If the change is expected, remove the old key (ssh-keygen -R &apos;%4&apos;) and connect again.</source>
        <translation>已拒绝：%1 的主机密钥与 %2 中记录的不同，现在是 %3。可能有人在拦截连接，或该主机已重装。如果这一变化在预期之内，请删除旧密钥（ssh-keygen -R &apos;%4&apos;）后重新连接。</translation>
    </message>
    <message>
        <source>the host key of %1 is not known (%2); accept it with --accept-new-host-key or in the console, after checking it on the host with ssh-keygen -lf</source>
        <translation>%1 的主机密钥未知（%2）；请先在该主机上用 ssh-keygen -lf 核对，再用 --accept-new-host-key 或在控制台中接受</translation>
    </message>
    <message>
        <source>cannot record the host key of %1 in %2: %3</source>
        <translation>无法把 %1 的主机密钥记录到 %2：%3</translation>
    </message>
    <message>
        <source>cannot check the host key of %1: %2</source>
        <translation>无法检查 %1 的主机密钥：%2</translation>
    </message>
    <message>
        <source>authentication to %1 failed: tried ssh-agent and the keys in %2 (%3)</source>
        <translation>向 %1 认证失败：已尝试 ssh-agent 和 %2 中的密钥（%3）</translation>
    </message>
    <message>
        <source>cannot reach %1 on %2: streamlocal forwarding failed (%3), and so did running hafrontctl dial-stdio (%4)</source>
        <translation>无法访问 %2 上的 %1：streamlocal 转发失败（%3），运行 hafrontctl dial-stdio 也失败（%4）</translation>
    </message>
    <message>
        <source>writing to %1 failed: %2</source>
        <translation>写入 %1 失败：%2</translation>
    </message>
    <message>
        <source>the SSH connection to %1 failed: %2</source>
        <translation>到 %1 的 SSH 连接失败：%2</translation>
    </message>
    <message>
        <source>the agent on %1 closed the connection</source>
        <translation>%1 上的代理关闭了连接</translation>
    </message>
    <message>
        <source>the agent on %1 closed the connection: %2</source>
        <translation>%1 上的代理关闭了连接：%2</translation>
    </message>
</context>
<context>
    <name>hafront::model::BackendsTableModel</name>
    <message>
        <source>drain</source>
        <translation>排空</translation>
    </message>
    <message>
        <source>maintenance</source>
        <translation>维护</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>up</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>down</source>
        <translation>故障</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Drag the bar or press +/- to change the weight (0-%1)</source>
        <translation>拖动条形或按 +/- 修改权重（0-%1）</translation>
    </message>
    <message>
        <source>no report</source>
        <translation>无报告</translation>
    </message>
    <message>
        <source>Pool</source>
        <translation>池</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>后端</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>健康</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>req/s</source>
        <translation>请求/秒</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>活动连接</translation>
    </message>
    <message>
        <source>p50 ms</source>
        <translation>p50 毫秒</translation>
    </message>
    <message>
        <source>p99 ms</source>
        <translation>p99 毫秒</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>错误</translation>
    </message>
</context>
<context>
    <name>hafront::model::CertificatesTableModel</name>
    <message>
        <source>SHA-256 %1
Another node serves a different certificate for this name on %2.</source>
        <translation>SHA-256 %1
另一节点在 %2 上为此名称提供了不同的证书。</translation>
    </message>
    <message>
        <source>SHA-256 %1</source>
        <translation>SHA-256 %1</translation>
    </message>
    <message>
        <source>Ticket keys from the shared secret: sessions resume on any node</source>
        <translation>票据密钥来自共享密钥：会话可在任一节点恢复</translation>
    </message>
    <message>
        <source>Ticket keys of this node only: sessions do not survive a failover</source>
        <translation>票据密钥仅属于本节点：故障切换后会话无法恢复</translation>
    </message>
    <message>
        <source>Subject: %1
File: %2</source>
        <translation>主题：%1
文件：%2</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n 天</numerusform>
        </translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Listener</source>
        <translation>监听器</translation>
    </message>
    <message>
        <source>Names</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <source>Issuer</source>
        <translation>签发者</translation>
    </message>
    <message>
        <source>Not after</source>
        <translation>有效期至</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>剩余</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>Handshakes</source>
        <translation>握手</translation>
    </message>
    <message>
        <source>Resumed</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Handshake failures</source>
        <translation>握手失败</translation>
    </message>
</context>
<context>
    <name>hafront::model::EventLogModel</name>
    <message>
        <source>VIP state</source>
        <translation>VIP 状态</translation>
    </message>
    <message>
        <source>VIP address</source>
        <translation>VIP 地址</translation>
    </message>
    <message>
        <source>VIP override</source>
        <translation>VIP 覆盖</translation>
    </message>
    <message>
        <source>split brain</source>
        <translation>脑裂</translation>
    </message>
    <message>
        <source>tracker</source>
        <translation>跟踪器</translation>
    </message>
    <message>
        <source>backend health</source>
        <translation>后端健康</translation>
    </message>
    <message>
        <source>backend change</source>
        <translation>后端变更</translation>
    </message>
    <message>
        <source>config</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>agent</source>
        <translation>代理</translation>
    </message>
    <message>
        <source>command</source>
        <translation>命令</translation>
    </message>
    <message>
        <source>other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
</context>
<context>
    <name>hafront::model::ImportReportModel</name>
    <message>
        <source>mapped</source>
        <translation>已映射</translation>
    </message>
    <message>
        <source>approximated</source>
        <translation>近似映射</translation>
    </message>
    <message>
        <source>unsupported</source>
        <translation>不支持</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>%1 — %2 mapped, %3 approximated, %4 unsupported</source>
        <translation>%1 — 已映射 %2，近似 %3，不支持 %4</translation>
    </message>
    <message>
        <source>, %1 errors</source>
        <translation>，错误 %1</translation>
    </message>
    <message>
        <source>File / line</source>
        <translation>文件 / 行</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Directive</source>
        <translation>指令</translation>
    </message>
    <message>
        <source>What hafront does</source>
        <translation>hafront 的处理</translation>
    </message>
</context>
<context>
    <name>hafront::model::ListenersTableModel</name>
    <message>
        <source>Accepting connections on %1</source>
        <translation>正在 %1 上接受连接</translation>
    </message>
    <message>
        <source>Not accepting on %1: new connections are refused. The agent is stopping or could not bind the address; its log says why.</source>
        <translation>未在 %1 上接受连接：新连接会被拒绝。代理正在停止，或无法绑定该地址；原因见其日志。</translation>
    </message>
    <message>
        <source>%1 accepted in total, %2 of them handed over to another worker</source>
        <translation>共接受 %1 个连接，其中 %2 个移交给另一个工作线程</translation>
    </message>
    <message>
        <source>%1 of %2 TLS handshakes resumed with a session ticket</source>
        <translation>%2 次 TLS 握手中有 %1 次通过会话票据恢复</translation>
    </message>
    <message>
        <source>%1 HTTP/2 streams in total</source>
        <translation>共 %1 个 HTTP/2 流</translation>
    </message>
    <message>
        <source>listening</source>
        <translation>监听中</translation>
    </message>
    <message>
        <source>not listening</source>
        <translation>未监听</translation>
    </message>
    <message>
        <source>Connections open now</source>
        <translation>当前打开的连接</translation>
    </message>
    <message>
        <source>Share of TLS handshakes resumed with a session ticket</source>
        <translation>通过会话票据恢复的 TLS 握手占比</translation>
    </message>
    <message>
        <source>HTTP/2 connections open now</source>
        <translation>当前打开的 HTTP/2 连接</translation>
    </message>
    <message>
        <source>HTTP/2 streams open now</source>
        <translation>当前打开的 HTTP/2 流</translation>
    </message>
    <message>
        <source>GOAWAY frames sent, by reason</source>
        <translation>已发送的 GOAWAY 帧（按原因）</translation>
    </message>
    <message>
        <source>RST_STREAM frames received from clients</source>
        <translation>从客户端收到的 RST_STREAM 帧</translation>
    </message>
    <message>
        <source>Answers the proxy gave itself (it refused the request or no backend could), by status</source>
        <translation>代理自行给出的应答（拒绝了请求，或没有后端能处理），按状态码</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Listener</source>
        <translation>监听器</translation>
    </message>
    <message>
        <source>Bind</source>
        <translation>绑定地址</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>协议</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>req/s</source>
        <translation>请求/秒</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>请求总数</translation>
    </message>
    <message>
        <source>Resumed</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>H2 conns</source>
        <translation>H2 连接</translation>
    </message>
    <message>
        <source>H2 streams</source>
        <translation>H2 流</translation>
    </message>
    <message>
        <source>GOAWAY sent</source>
        <translation>已发 GOAWAY</translation>
    </message>
    <message>
        <source>Resets recv</source>
        <translation>收到重置</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>活动连接</translation>
    </message>
</context>
<context>
    <name>hafront::model::VipsTableModel</name>
    <message>
        <source>master</source>
        <translation>主</translation>
    </message>
    <message>
        <source>backup</source>
        <translation>备</translation>
    </message>
    <message>
        <source>fault</source>
        <translation>故障</translation>
    </message>
    <message>
        <source>init</source>
        <translation>初始化</translation>
    </message>
    <message>
        <source>no report</source>
        <translation>无报告</translation>
    </message>
    <message>
        <source>SPLIT BRAIN: %1</source>
        <translation>脑裂：%1</translation>
    </message>
    <message>
        <source>NO OWNER</source>
        <translation>无归属</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>%1 %2 (priority %3)</source>
        <translation>%1 %2（优先级 %3）</translation>
    </message>
    <message>
        <source>VIP</source>
        <translation>VIP</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>归属</translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>结论</translation>
    </message>
</context>
<context>
    <name>hafront::views::BackendsPanel</name>
    <message>
        <source>Filter backends (pool, name, state, health)…</source>
        <translation>筛选后端（池、名称、状态、健康）…</translation>
    </message>
</context>
<context>
    <name>hafront::views::CertificatesPanel</name>
    <message>
        <source>Filter certificates (node, listener, name, issuer)…</source>
        <translation>筛选证书（节点、监听器、名称、签发者）…</translation>
    </message>
</context>
<context>
    <name>hafront::views::ChartsPanel</name>
    <message>
        <source>Pool whose backends are charted</source>
        <translation>显示其后端图表的池</translation>
    </message>
    <message>
        <source>All nodes added up, or one node</source>
        <translation>所有节点合计，或单个节点</translation>
    </message>
    <message>
        <source>Requests per second, last 5 minutes</source>
        <translation>每秒请求数（最近 5 分钟）</translation>
    </message>
    <message>
        <source>req/s</source>
        <translation>请求/秒</translation>
    </message>
    <message>
        <source>p99 latency, last 5 minutes</source>
        <translation>p99 延迟（最近 5 分钟）</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>毫秒</translation>
    </message>
    <message>
        <source>Pool:</source>
        <translation>池：</translation>
    </message>
    <message>
        <source>Node:</source>
        <translation>节点：</translation>
    </message>
    <message>
        <source>seconds ago</source>
        <translation>秒前</translation>
    </message>
    <message>
        <source>All nodes</source>
        <translation>所有节点</translation>
    </message>
    <message>
        <source>the %1 busiest of %2 backends</source>
        <translation>%2 个后端中最繁忙的 %1 个</translation>
    </message>
</context>
<context>
    <name>hafront::views::EventLogPanel</name>
    <message>
        <source>Filter events (node, subject, message)…</source>
        <translation>筛选事件（节点、对象、消息）…</translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation>所有类型</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
</context>
<context>
    <name>hafront::views::ImportDialog</name>
    <message>
        <source>Import from nginx + keepalived</source>
        <translation>从 nginx + keepalived 导入</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>/etc/nginx/nginx.conf (its includes are followed)</source>
        <translation>/etc/nginx/nginx.conf（会跟随其 include）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>nginx config:</source>
        <translation>nginx 配置：</translation>
    </message>
    <message>
        <source>nginx&apos;s -p prefix, for relative root paths (Debian: /usr/share/nginx)</source>
        <translation>nginx 的 -p 前缀，用于相对 root 路径（Debian：/usr/share/nginx）</translation>
    </message>
    <message>
        <source>nginx prefix:</source>
        <translation>nginx 前缀：</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>keepalived config</source>
        <translation>keepalived 配置</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Add node</source>
        <translation>添加节点</translation>
    </message>
    <message>
        <source>Remove node</source>
        <translation>移除节点</translation>
    </message>
    <message>
        <source>keepalived config…</source>
        <translation>keepalived 配置…</translation>
    </message>
    <message>
        <source>fe%1</source>
        <translation>fe%1</translation>
    </message>
    <message>
        <source>Nodes:</source>
        <translation>节点：</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Pick the files and press Import. Nothing is written until you save.</source>
        <translation>选择文件后按“导入”。保存之前不会写入任何内容。</translation>
    </message>
    <message>
        <source>Show mapped directives too</source>
        <translation>同时显示已映射的指令</translation>
    </message>
    <message>
        <source>Report: every directive read, grouped by file</source>
        <translation>报告：读取的每条指令，按文件分组</translation>
    </message>
    <message>
        <source>Topology</source>
        <translation>拓扑</translation>
    </message>
    <message>
        <source>Cluster config</source>
        <translation>集群配置</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>Open it in the console after saving</source>
        <translation>保存后在控制台中打开</translation>
    </message>
    <message>
        <source>nginx config</source>
        <translation>nginx 配置</translation>
    </message>
    <message>
        <source>fe1</source>
        <translation>fe1</translation>
    </message>
    <message>
        <source>keepalived config of %1</source>
        <translation>%1 的 keepalived 配置</translation>
    </message>
    <message>
        <source>Nothing to import: give an nginx config and/or a keepalived config per node.</source>
        <translation>没有可导入的内容：请提供 nginx 配置和/或每个节点的 keepalived 配置。</translation>
    </message>
    <message>
        <source>%1 directives mapped, %2 approximated, %3 unsupported</source>
        <translation>已映射 %1 条指令，近似 %2 条，不支持 %3 条</translation>
    </message>
    <message>
        <source>A valid cluster config: %1. %2.</source>
        <translation>有效的集群配置：%1。%2。</translation>
    </message>
    <message>
        <source>No valid cluster config (%1): %2</source>
        <translation>没有有效的集群配置（%1）：%2</translation>
    </message>
    <message>
        <source>there is no valid config to save</source>
        <translation>没有可保存的有效配置</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Save cluster config</source>
        <translation>保存集群配置</translation>
    </message>
    <message>
        <source>Cluster configs (*.conf);;All files (*)</source>
        <translation>集群配置 (*.conf);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>hafront::views::ListenersPanel</name>
    <message>
        <source>Filter listeners (node, listener, bind, protocol, state)…</source>
        <translation>筛选监听器（节点、监听器、绑定地址、协议、状态）…</translation>
    </message>
</context>
<context>
    <name>hafront::views::MainWindow</name>
    <message>
        <source>Charts</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Traffic share</source>
        <translation>流量份额</translation>
    </message>
    <message>
        <source>share of pool %1: %2 %3 → %4, %5 %6 → %7</source>
        <translation>池 %1 的份额：%2 %3 → %4，%5 %6 → %7</translation>
    </message>
    <message>
        <source>hafront console</source>
        <translation>hafront 控制台</translation>
    </message>
    <message>
        <source>%1 — hafront console</source>
        <translation>%1 — hafront 控制台</translation>
    </message>
    <message>
        <source>Backends</source>
        <translation>后端</translation>
    </message>
    <message>
        <source>Event log</source>
        <translation>事件日志</translation>
    </message>
    <message>
        <source>VIPs</source>
        <translation>VIP</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open cluster…</source>
        <translation>打开集群(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>Open cluster</source>
        <translation>打开集群</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Fit topology</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <source>Ctrl+0</source>
        <translation>Ctrl+0</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>Open cluster config</source>
        <translation>打开集群配置</translation>
    </message>
    <message>
        <source>Cluster configs (*.conf *.json);;All files (*)</source>
        <translation>集群配置 (*.conf *.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>nodes %1/%2 · backends up %3/%4 · %5 req/s · %6 active</source>
        <translation>节点 %1/%2 · 后端正常 %3/%4 · %5 请求/秒 · %6 活动连接</translation>
    </message>
    <message>
        <source>%1/%2 → %3</source>
        <translation>%1/%2 → %3</translation>
    </message>
    <message>
        <source>%1 already owns VIP %2 (%3); it stays master and preferred.</source>
        <translation>%1 已拥有 VIP %2（%3）；它保持主节点并被优先选用。</translation>
    </message>
    <message>
        <source>VIP %1 (%2) has no owner; %3 becomes master.</source>
        <translation>VIP %1（%2）当前无归属；%3 将成为主节点。</translation>
    </message>
    <message>
        <source>VIP %1 (%2) moves from %3 to %4; open connections through %3 are cut.</source>
        <translation>VIP %1（%2）将从 %3 迁移到 %4；经由 %3 的现有连接将被切断。</translation>
    </message>
    <message>
        <source>Make %1 master</source>
        <translation>设 %1 为主节点</translation>
    </message>
    <message>
        <source>VIP %1 (%2) moves from %3 to the backup with the highest priority; open connections through %3 are cut. %3 stays backup until released.</source>
        <translation>VIP %1（%2）将从 %3 迁移到优先级最高的备用节点；经由 %3 的现有连接将被切断。在解除前 %3 保持备用。</translation>
    </message>
    <message>
        <source>%1 will not take VIP %2 (%3) while in maintenance. The owner does not change.</source>
        <translation>维护期间 %1 不会接管 VIP %2（%3）。归属节点不变。</translation>
    </message>
    <message>
        <source>Maintenance on %1</source>
        <translation>%1 进入维护</translation>
    </message>
    <message>
        <source>Maintenance and force-master on VIP %1 (%2) are lifted on %3; the configured priorities decide the owner again, so the VIP may move.</source>
        <translation>在 %3 上解除 VIP %1（%2）的维护和强制主节点；归属重新由配置的优先级决定，VIP 可能迁移。</translation>
    </message>
    <message>
        <source>Release VIP %1</source>
        <translation>解除 VIP %1</translation>
    </message>
    <message>
        <source>Release</source>
        <translation>解除</translation>
    </message>
    <message>
        <source>Drill…</source>
        <translation>演练…</translation>
    </message>
    <message>
        <source>Drain %1</source>
        <translation>排空 %1</translation>
    </message>
    <message>
        <source>Maintenance for %1</source>
        <translation>%1 进入维护</translation>
    </message>
    <message>
        <source>Ready %1</source>
        <translation>%1 就绪</translation>
    </message>
    <message>
        <source>Host key of %1 has CHANGED</source>
        <translation>%1 的主机密钥已改变</translation>
    </message>
    <message>
        <source>The SSH host key of %1 (%2) is not the one recorded in known_hosts; it is now
%3

hafront will not connect: someone may be intercepting the connection, or the host was reinstalled. If the change is expected, remove the old key with ssh-keygen -R %2 and reopen the cluster.</source>
        <translation>%1（%2）的 SSH 主机密钥与 known_hosts 中记录的不同，现在是
%3

hafront 不会连接：可能有人在拦截连接，或该主机已重装。如果这一变化在预期之内，请用 ssh-keygen -R %2 删除旧密钥，然后重新打开集群。</translation>
    </message>
    <message>
        <source>Certificates</source>
        <translation>证书</translation>
    </message>
    <message>
        <source>&amp;Import from nginx + keepalived…</source>
        <translation>从 nginx + keepalived 导入(&amp;I)…</translation>
    </message>
    <message>
        <source>Listeners</source>
        <translation>监听器</translation>
    </message>
</context>
<context>
    <name>hafront::views::Notifier</name>
    <message>
        <source>hafront console</source>
        <translation>hafront 控制台</translation>
    </message>
</context>
<context>
    <name>hafront::views::ShareBar</name>
    <message>
        <source>Traffic share of pool %1; drag a boundary to move weight between neighbours</source>
        <translation>池 %1 的流量份额；拖动分界线可在相邻后端之间移动权重</translation>
    </message>
    <message>
        <source>pool %1: no backend takes traffic</source>
        <translation>池 %1：没有后端承接流量</translation>
    </message>
</context>
<context>
    <name>hafront::views::SharePanel</name>
    <message>
        <source>pool %1</source>
        <translation>池 %1</translation>
    </message>
</context>
<context>
    <name>hafront::views::TopologyView</name>
    <message>
        <source>VIP %1</source>
        <translation>VIP %1</translation>
    </message>
    <message>
        <source>VIP %1 (%2): SPLIT BRAIN — %3 all claim it</source>
        <translation>VIP %1（%2）：脑裂 — %3 都声称拥有它</translation>
    </message>
    <message>
        <source>VIP %1 (%2): NO OWNER — no node is master</source>
        <translation>VIP %1（%2）：无归属 — 没有主节点</translation>
    </message>
    <message>
        <source>owner (%1)</source>
        <translation>归属（%1）</translation>
    </message>
    <message>
        <source>no report</source>
        <translation>无报告</translation>
    </message>
    <message>
        <source>%1 · w %2 · %3 req/s</source>
        <translation>%1 · 权重 %2 · %3 请求/秒</translation>
    </message>
    <message>
        <source>pool %1</source>
        <translation>池 %1</translation>
    </message>
    <message>
        <source>%1 backends · %2 req/s</source>
        <translation>%1 个后端 · %2 请求/秒</translation>
    </message>
    <message>
        <source>%1 (%2)
%3 · %4 · w %5 · %6 req/s
%7</source>
        <translation>%1（%2）
%3 · %4 · 权重 %5 · %6 请求/秒
%7</translation>
    </message>
    <message>
        <source>%1 up</source>
        <translation>%1 个正常</translation>
    </message>
    <message>
        <source>%1 down</source>
        <translation>%1 个故障</translation>
    </message>
    <message>
        <source>%1 other</source>
        <translation>%1 个其他</translation>
    </message>
    <message>
        <source>%1 req/s</source>
        <translation>%1 请求/秒</translation>
    </message>
    <message>
        <source>pool %1 · %2 backends</source>
        <translation>池 %1 · %2 个后端</translation>
    </message>
</context>
<context>
    <name>hafront::views::WeightDelegate</name>
    <message>
        <source>%1 → %2 (%3% of pool)</source>
        <translation>%1 → %2（占池 %3%）</translation>
    </message>
</context>
</TS>
