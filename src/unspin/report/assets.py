"""The page's own style and script, and its Content-Security-Policy (which allows exactly these, by hash)."""

from __future__ import annotations

import base64
import hashlib

CSS = """
:root{--ink:#1d2329;--muted:#6b7580;--line:#dde2e7;--bg:#fbfcfd;--spun:#c0392b;--uncertain:#e0a030;--clean:#3c9d5d}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header{padding:18px 28px 8px;border-bottom:1px solid var(--line);background:#fff}h1{margin:0;font-size:22px}
.where{margin:2px 0 0;color:var(--muted);font-size:13px;word-break:break-all}
main{max-width:1180px;margin:0 auto;padding:8px 28px 40px}nav{position:sticky;top:0;background:var(--bg);padding:8px 0;border-bottom:1px solid var(--line);z-index:2}
nav a{margin-right:14px;color:#2c5d8f;text-decoration:none;font-weight:600}section{margin-top:26px}
h2{font-size:18px;margin:0 0 10px}h2 small,h3 small{font-weight:400;color:var(--muted);font-size:13px;margin-left:6px}
.notes{background:#fff8e6;border:1px solid #f0d89c;border-radius:6px;padding:8px 16px}.notes h2{font-size:15px;margin:4px 0}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(128px,1fr));gap:10px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 12px;border-top:4px solid #9aa6b2}
.card b{display:block;font-size:22px}.card span{color:var(--muted);font-size:13px}.card small{float:right;color:var(--muted)}
.card.spun{border-top-color:var(--spun)}.card.uncertain{border-top-color:var(--uncertain)}.card.clean{border-top-color:var(--clean)}.card.error{border-top-color:#555}
.charts{display:flex;flex-wrap:wrap;gap:18px}figure{margin:0;background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px}
figcaption{font-size:13px;color:var(--muted)}.key{display:inline-block;width:10px;height:10px;margin:0 3px 0 8px;border-radius:2px}
.k-spun{background:var(--spun)}.k-uncertain{background:var(--uncertain)}.k-clean{background:var(--clean)}
svg.chart{max-width:100%;height:auto}svg .tick{font-size:11px;fill:var(--muted)}svg .label{font-size:12px;fill:var(--ink)}
svg .grid{stroke:#eef1f4}svg .axis{stroke:#9aa6b2}svg rect.bar:hover,svg rect.cell:hover{stroke:#000;stroke-width:1}
table.data{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line);font-size:14px}
table.data th{text-align:left;background:#f1f4f7;padding:6px 8px;cursor:pointer;user-select:none;white-space:nowrap}
table.data th[aria-sort=ascending]::after{content:" ▲"}table.data th[aria-sort=descending]::after{content:" ▼"}
table.data td{padding:5px 8px;border-top:1px solid var(--line);word-break:break-word}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.pager{margin:6px 0;font-size:13px;color:var(--muted)}.pager button{margin:0 4px;font:inherit;padding:2px 10px}
.v{display:inline-block;padding:0 6px;border-radius:9px;font-size:12px;color:#fff;background:#888}.v-spun{background:var(--spun)}
.v-uncertain{background:var(--uncertain)}.v-clean{background:var(--clean)}.muted,.hint,.none{color:var(--muted)}.hint{font-size:13px}
.group{background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 14px;margin:12px 0}.group h3{font-size:15px;margin:4px 0}
.members{list-style:none;padding:0;margin:0}.members li{padding:4px 0;border-top:1px solid #f0f2f4}
.role{display:inline-block;min-width:62px;font-size:12px;color:var(--muted);text-transform:uppercase}.doc{font-weight:600;word-break:break-all}
.site{color:#2c5d8f;margin-left:6px}.score{font-variant-numeric:tabular-nums;margin:0 4px 0 8px}.sim,.nsubs{color:var(--muted);font-size:13px;margin-left:6px}
summary{cursor:pointer}details[open] summary{margin-bottom:6px}
.sbs{display:grid;grid-template-columns:1fr 1fr;gap:14px}.sbs.one{grid-template-columns:1fr}.sbs h4{margin:4px 0;font-size:13px;color:var(--muted);word-break:break-all}
.sbs .text{white-space:pre-wrap;font:14px/1.55 Georgia,serif;background:#fcfcfa;border:1px solid var(--line);border-radius:6px;padding:10px;max-height:480px;overflow:auto}
mark.sub{background:#fde2dd;border-bottom:2px solid var(--spun);padding:0 1px}mark.sub.src{background:#dff2e4;border-bottom-color:var(--clean)}
mark.sub.hot{outline:2px solid #2c5d8f}.cut{color:var(--muted);font-style:italic}
ul.errors{font-size:13px;background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 8px 8px 28px}code{word-break:break-all}
footer{text-align:center;color:var(--muted);font-size:12px;padding:20px}
"""

# Pages and sorts the tables, draws a side-by-side view when it is first opened (text nodes only, never markup
# from data), highlights both sides of an aligned pair.
SCRIPT = """
(function(){
function val(td){var v=td.getAttribute('data-v');return v===null?td.textContent:v;}
document.querySelectorAll('table.paged').forEach(function(t){
 var body=t.tBodies[0],size=+t.getAttribute('data-page')||25,page=0;
 var rows=function(){return Array.prototype.slice.call(body.rows);};
 var pager=document.createElement('div');pager.className='pager';
 var prev=document.createElement('button'),next=document.createElement('button'),info=document.createElement('span');
 prev.type=next.type='button';prev.textContent='‹ previous';next.textContent='next ›';
 pager.appendChild(prev);pager.appendChild(info);pager.appendChild(next);
 function show(){var r=rows(),pages=Math.max(1,Math.ceil(r.length/size));page=Math.min(Math.max(page,0),pages-1);
  r.forEach(function(tr,i){tr.hidden=(i<page*size||i>=(page+1)*size);});
  info.textContent=' page '+(page+1)+' of '+pages+' ('+r.length+' rows) ';prev.disabled=page===0;next.disabled=page>=pages-1;
  pager.hidden=r.length<=size;}
 prev.onclick=function(){page--;show();};next.onclick=function(){page++;show();};
 t.parentNode.insertBefore(pager,t.nextSibling);
 Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,col){th.onclick=function(){
  var num=th.getAttribute('data-sort')==='num',asc=th.getAttribute('aria-sort')!=='ascending';
  Array.prototype.forEach.call(t.tHead.rows[0].cells,function(o){o.removeAttribute('aria-sort');});
  th.setAttribute('aria-sort',asc?'ascending':'descending');
  var r=rows();r.sort(function(a,b){var x=val(a.cells[col]),y=val(b.cells[col]);
   var c=num?(parseFloat(x)-parseFloat(y)):x.localeCompare(y);return asc?c:-c;});
  r.forEach(function(tr){body.appendChild(tr);});page=0;show();};});
 show();});
var data=null;
function col(title,text,marks,side,note,cut){var c=document.createElement('div');c.className='col';
 var h=document.createElement('h4');h.textContent=title;c.appendChild(h);var t=document.createElement('div');t.className='text';
 var pos=0;marks.forEach(function(m){var a=m[0],b=m[1];if(a===null||a<pos||b>text.length||a>=b)return;
  t.appendChild(document.createTextNode(text.slice(pos,a)));var k=document.createElement('mark');k.className=side?'sub src':'sub';
  k.setAttribute('data-pair',m[2]);k.title=m[3];k.textContent=text.slice(a,b);t.appendChild(k);pos=b;});
 t.appendChild(document.createTextNode(text.slice(pos)));
 if(cut){var s=document.createElement('span');s.className='cut';s.textContent=' … text cut here';t.appendChild(s);}
 c.appendChild(t);if(note){var p=document.createElement('p');p.className='hint';p.textContent=note;c.appendChild(p);}return c;}
function draw(d){if(d.drawn)return;d.drawn=true;
 if(!data)data=JSON.parse(document.getElementById('unspin-texts').textContent);
 var al=data.a[+d.getAttribute('data-align')],copy=data.t[al.c],src=al.s===null?null:data.t[al.s];
 var box=d.querySelector('.sbs');box.textContent='';
 var cm=al.m.map(function(m,k){return [m[0],m[1],k,'original: '+(src!==null&&m[2]!==null?src.slice(m[2],m[3]):m[4])];});
 box.appendChild(col(al.l,copy,cm,false,null,al.cut[0]));
 if(src===null){box.classList.add('one');box.firstChild.appendChild(Object.assign(document.createElement('p'),{className:'hint',
  textContent:'The source text is not in the scan: give the index (--index) to see it side by side.'}));return;}
 var sm=al.m.map(function(m,k){return [m[2],m[3],k,'became: '+copy.slice(m[0],m[1])];}).sort(function(x,y){return x[0]-y[0];});
 box.appendChild(col(al.r,src,sm,true,null,al.cut[1]));}
document.querySelectorAll('details[data-align]').forEach(function(d){d.addEventListener('toggle',function(){if(d.open)draw(d);});});
document.addEventListener('mouseover',function(e){var m=e.target.closest&&e.target.closest('mark.sub');
 document.querySelectorAll('mark.sub.hot').forEach(function(x){x.classList.remove('hot');});
 if(!m)return;var box=m.closest('.sbs');if(!box)return;
 box.querySelectorAll('mark.sub').forEach(function(x){if(x.getAttribute('data-pair')===m.getAttribute('data-pair'))x.classList.add('hot');});});
})();
"""

def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


#: The page's Content-Security-Policy (in a meta element, and as the header where it is served):
#: nothing from the network, only this page's own style and script (by hash), no inline handlers.
CSP = f"default-src 'none'; style-src {_sha256(CSS)}; script-src {_sha256(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'"
