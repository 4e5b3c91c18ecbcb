# Pages in four layouts (div + related links, old table layout, <article> + comments,
# <br>-separated gov CMS) around article texts taken from a generated archive
# (`cargo run --release -p readout-store --example warc -- gen ARCHIVE 4000`), with the
# expected text beside each page. Usage: python3 gen_pages.py ARCHIVE.warc.gz OUTDIR
import gzip,os,re,random,sys
out=sys.argv[2]; os.makedirs(out, exist_ok=True)
random.seed(5)
data=gzip.open(sys.argv[1]).read().decode('utf8','replace')
bodies=re.findall(r'<div class="content">(.*?)</div><div class="footer">',data,re.S)
arts=[]
for b in bodies:
    if '\ufffd' in b: continue
    ps=[re.sub(r'<br>','',p) for p in re.findall(r'<p>(.*?)</p>',b,re.S)]
    if len(ps)>=5: arts.append(ps)
heads=[a[2] for a in arts]
def side(n):
    return ''.join(f'<li><a href="/n/{random.randint(1,9999)}.html">{random.choice(heads)}</a><span class="date">2024-0{random.randint(1,9)}-1{random.randint(0,9)}</span></li>' for _ in range(n))
nav=''.join(f'<a href="/c/{i}">{c}</a> ' for i,c in enumerate("首页 要闻 本地 时政 经济 社会 文化 教育 健康 体育 政务 民生".split()))
comments=["这个政策好，点赞！","希望早日落实到我们村。","低效工业用地改造后环境好多了。","什么时候轮到我们镇？","支持！为家乡发展点赞。"]
def A(h,ps):
    return f'<html><head><title>{h}_新闻网</title><script>var a=1;</script></head><body><div class="nav">{nav}</div><div class="main"><div class="article"><h1>{h}</h1><div class="info">来源：本报 2024-05-01</div>'+''.join(f'<p>{p}</p>' for p in ps)+f'</div><div class="side"><h3>相关新闻</h3><ul>{side(20)}</ul></div></div><div class="footer">版权所有 粤ICP备00000000号</div></body></html>'
def B(h,ps):
    return f'<html><head><title>{h}</title></head><body><table width="1000"><tr><td>{nav}</td></tr></table><table width="1000"><tr><td width="700" valign="top"><table><tr><td class="title" align="center"><b>{h}</b></td></tr><tr><td class="time">发布时间：2024-05-01 来源：市政府办</td></tr><tr><td class="content">'+''.join(f'<p style="text-indent:2em">{p}</p>' for p in ps)+f'</td></tr></table></td><td width="300" valign="top"><table>'+''.join(f'<tr><td><a href="/x/{i}.html">{random.choice(heads)}</a></td></tr>' for i in range(15))+'</table></td></tr></table><table><tr><td>主办：某市人民政府办公室 网站标识码4420000000</td></tr></table></body></html>'
def C(h,ps):
    return f'<html><head><title>{h} | 新闻客户端</title></head><body><header><nav>{nav}</nav></header><main><article><h1>{h}</h1><div class="meta">2024-05-01 08:00 来源：本报</div>'+''.join(f'<p>{p}</p>' for p in ps)+'</article><section class="comments"><h3>网友评论</h3>'+''.join(f'<div class="comment"><span class="user">网友{i}</span><p>{random.choice(comments)}</p></div>' for i in range(8))+f'</section><aside><h3>推荐阅读</h3><ul>{side(12)}</ul></aside></main><footer>版权所有</footer></body></html>'
def D(h,ps):
    return f'<html><head><title>{h}-某市人民政府门户网站</title></head><body><div id="top">{nav}</div><div class="w1000"><div class="position">当前位置：首页 &gt; 政务动态</div><div class="tit"><h2>{h}</h2></div><div class="fbxx">发布日期：2024-05-01 信息来源：某市发展和改革局</div><div id="zoom">'+'<br><br>'.join('　　'+p for p in ps)+f'</div><div class="share">分享</div></div><div class="bottom"><ul>{side(10)}</ul>地址：某市某路1号</div></body></html>'
for k,(name,f) in enumerate([('A',A),('B',B),('C',C),('D',D)]):
    for i in range(10):
        a=arts[k*10+i]; h=a[2]; ps=a[3:]
        open(f'{out}/{name}{i}.html','w').write(f(h,ps))
        open(f'{out}/{name}{i}.txt','w').write('\n'.join([h]+ps))
