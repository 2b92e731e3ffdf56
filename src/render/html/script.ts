/** The HTML report's one script: the severity, exception and text filters of the findings. Constant: its hash is in the page's CSP. */
export const SCRIPT = `(function(){
var form=document.getElementById('filters');if(!form)return;form.hidden=false;
var cards=[].slice.call(document.querySelectorAll('.resource'));
var rows=[].slice.call(document.querySelectorAll('tr.finding'));
var q=document.getElementById('search'),out=document.getElementById('shown'),none=document.getElementById('no-match'),exc=document.getElementById('show-excepted');
function apply(){
var on={};[].forEach.call(form.querySelectorAll('input[name=severity]'),function(i){on[i.value]=i.checked});
var words=q.value.toLowerCase().split(/\\s+/).filter(Boolean),shown=0;
cards.forEach(function(card){var any=false,base=card.getAttribute('data-search')||'';
[].forEach.call(card.querySelectorAll('tr.finding'),function(row){var text=base+' '+row.getAttribute('data-search');
var ok=on[row.getAttribute('data-severity')]&&(!row.hasAttribute('data-excepted')||!exc||exc.checked)&&words.every(function(w){return text.indexOf(w)>=0});
row.hidden=!ok;if(ok){any=true;shown++}});card.hidden=!any});
out.textContent=shown===rows.length?rows.length+' findings':shown+' of '+rows.length+' findings';none.hidden=shown>0;}
form.addEventListener('input',apply);form.addEventListener('change',apply);form.addEventListener('submit',function(e){e.preventDefault()});
window.addEventListener('beforeprint',function(){[].forEach.call(document.querySelectorAll('details'),function(d){d.open=true})});
apply();})();`;
